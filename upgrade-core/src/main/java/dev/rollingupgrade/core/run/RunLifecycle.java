package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.run.RunEvent.CancelRequested;
import dev.rollingupgrade.core.run.RunEvent.RunFinished;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a run that are not the batch loop: the state and its plug-ins, how a decision is
 * made durable and applied ({@link #commit}), the lease kept while the run is driven, and how the
 * run ends — finished, cancelled, abandoned, its lease lost, or on an unexpected error.
 */
abstract class RunLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(RunLifecycle.class);
  private static final int SHOWN_IDS = 10;

  final RunState state;
  final UpgradeAction action;
  final String runId;
  final String name;
  final SerialExecutor executor;
  final RunJournal journal;
  final RunEvents events;
  final HealthTracker health;
  final DriverReads reads;
  final Rollbacks rollbacks;
  final InstanceDriver driver;
  final Duration callTimeout;
  final Duration pollInterval;
  final boolean rollback;
  final Optional<ExternalResourceCheck> preflight;
  final CompletableFuture<UpgradeHistoryEntry> done = new CompletableFuture<>();
  private boolean ending; // the final record is on its way
  private boolean begun; // the run's first record was written (or the run was resumed)
  private boolean stopped; // abandoned, lease lost, or the store failed for good
  Cancellable pauseTimer;
  Cancellable gateTimer;
  private Cancellable leaseTimer;

  RunLifecycle(RunParts p) {
    RunEvent.RunStarted settings = p.settings();
    this.state = new RunState(p.startTime());
    this.state.settings = settings;
    this.action = switch (settings.kind()) {
      case MODEL -> new ModelAction();
      case EXTENSION -> new ExtensionAction(settings.extension().orElseThrow(), settings.model());
      case OS_IMAGE -> new OsImageAction(settings.target(),
          settings.model().virtualMachineProfile().extensionProfile().provisioningOrder());
    };
    this.runId = p.runId();
    this.name = settings.model().name();
    this.executor = new SerialExecutor(p.scheduler(), this::unexpected);
    this.journal = p.journal();
    this.events = new RunEvents(p.listeners(), executor, name, runId);
    this.callTimeout = settings.callTimeout();
    this.pollInterval = settings.healthPollInterval();
    this.health = new HealthTracker(state, executor, p.health(), name, settings.healthCallTimeout(), pollInterval);
    this.driver = p.driver();
    this.reads = new DriverReads(executor, driver, name, callTimeout, pollInterval);
    this.rollbacks = new Rollbacks((RunEngine) this);
    this.rollback = settings.rollback() && action.canUndo();
    this.preflight = p.preflight();
    executor.mdc("scaleSet", name);
    executor.mdc("runId", runId);
  }

  Instant now() {
    return executor.now();
  }

  /**
   * Makes {@code event} durable, applies it to the state, then goes on with {@code then} (the side
   * effect it enables). A store that answers later holds the run's other state changes until then.
   * A decision that enables no side effect of its own ({@link #enablesSideEffect}) is appended as
   * deferred: a durable store forces it with the next decision that does (group commit).
   */
  void commit(RunEvent event, Runnable then) {
    if (ending && !(event instanceof RunFinished)) {
      return; // the run ended: answers still coming in decide nothing
    }
    Instant time = now();
    CompletionStage<Void> durable = journal.append(List.of(event), time, !enablesSideEffect(event));
    CompletableFuture<Void> f = durable instanceof CompletableFuture<Void> cf ? cf : null;
    if (f != null && f.isDone()) {
      Throwable failure = f.isCompletedExceptionally() ? f.handle((v, t) -> t).join() : null;
      applied(event, time, failure, then);
      return;
    }
    executor.hold();
    durable.whenComplete((v, failure) -> executor.release(() -> applied(event, time, failure, then)));
  }

  private void applied(RunEvent event, Instant time, Throwable failure, Runnable then) {
    if (event instanceof RunEvent.RunStarted) {
      begun = true;
    }
    if (failure != null) {
      journal.rewind(1);
      journalFailed(SerialExecutor.unwrap(failure), event instanceof RunFinished);
      return;
    }
    state.apply(event, time);
    then.run();
  }

  /**
   * Whether a decision must be durable before the run goes on: it precedes a driver call (a batch
   * start, a restore), a wait the host may stop in (a pause), an answer to a user (a cancel) or the
   * run's end; the start and the plan too. A verdict, an upgrade's return and a batch's end enable
   * nothing of their own: the next decision that does makes them durable with it.
   */
  static boolean enablesSideEffect(RunEvent event) {
    return !(event instanceof RunEvent.UpgradeReturned || event instanceof RunEvent.InstanceSucceeded
        || event instanceof RunEvent.InstanceFailed || event instanceof RunEvent.RolledBack
        || event instanceof RunEvent.RollbackFailed || event instanceof RunEvent.BatchFinished);
  }

  private void journalFailed(Throwable failure, boolean finalRecord) {
    if (failure instanceof LeaseLostException lost) {
      stop("lost its lease: another owner drives it now", lost);
    } else if (finalRecord || ending) {
      // the store fails for good: end the run in memory; its journal stays unfinished, to be resumed
      stop("could not record its end", failure);
    } else {
      if (failure instanceof java.io.UncheckedIOException) {
        // an I/O failure (a full disk, a lost mount) says all in its message: no stack trace for the operator
        LOG.error("the store refused a decision of run {}: {}", runId, describe(failure));
      } else {
        LOG.error("the store refused a decision of run {}", runId, failure);
      }
      finish(RollingUpgradeStatusCode.FAULTED, error(RollingUpgradeErrorCodes.INTERNAL,
          "the run stopped: its store failed: " + describe(failure), List.of()));
    }
  }

  /** An unexpected error in a state change faults the run. */
  private void unexpected(RuntimeException e) {
    LOG.error("run failed unexpectedly", e);
    if (ending || stopped) {
      stop("failed while ending", e);
      return;
    }
    finish(RollingUpgradeStatusCode.FAULTED, error(RollingUpgradeErrorCodes.INTERNAL,
        "the run stopped on an unexpected error: " + describe(e), List.of()));
  }

  /** Ends the run as {@code code}: its final record carries the history entry. */
  void finish(RollingUpgradeStatusCode code, ApiError endError) {
    if (ending || state.isFinished()) {
      return;
    }
    ending = true;
    Optional<ApiError> err = Optional.ofNullable(endError);
    UpgradeHistoryEntry history = RunProjection.historyEntry(state, code, now(), err);
    commit(new RunFinished(code, err, history), () -> {
      health.stop();
      cancelTimers(true);
      String message = code.azureName() + ": " + err.flatMap(ApiError::message).orElse(state.succeeded + " succeeded, "
          + state.failed + " failed, " + state.rolledBack + " rolled back");
      if (code == RollingUpgradeStatusCode.COMPLETED || code == RollingUpgradeStatusCode.CANCELLED) {
        LOG.info("run ended {}", message);
      } else {
        LOG.warn("run ended {}", message);
      }
      events.emit(UpgradeEventType.RUN_FINISHED, 0, List.of(), err.flatMap(ApiError::code).orElse(code.azureName()),
          message);
      release();
      done.complete(history);
      executor.stop(); // nothing more runs; the listeners above are still told
    });
  }

  /**
   * A cancel request, journalled (so a resumed run stays cancelled) on the caller's thread under
   * the run's lock, which no plug-in call ever holds; what follows runs on the executor.
   */
  void cancel() {
    executor.runNow(() -> {
      if (ending || state.isFinished() || state.cancelRequested) {
        return;
      }
      if (!begun) {
        executor.execute(this::cancel); // the first record comes first
        return;
      }
      commit(new CancelRequested(), () -> {
        LOG.info("cancel requested: no new batch will start");
        cancelRequested();
        if (pauseTimer != null) {
          pauseTimer.cancel();
          pauseTimer = null;
          executor.execute(() -> finish(RollingUpgradeStatusCode.CANCELLED, null));
        }
      });
    });
  }

  /** A cancel was just made durable: the batch loop may stop waiting. */
  abstract void cancelRequested();

  /** A resumed run: its first record is in the journal. */
  void begunAlready() {
    begun = true;
  }

  /** Stops driving the run at once, leaving it unfinished in the store for another owner. */
  boolean abandon() {
    boolean now = executor.read(() -> {
      if (stopped || state.isFinished()) {
        return false; // an ending run that crashed on its final record is abandoned too: its lease goes
      }
      stopped = true;
      executor.stop();
      return true;
    });
    if (now) {
      health.stop();
      cancelTimers(true);
      release();
      LOG.info("run {} abandoned: it stays unfinished in the store", runId);
    }
    return now;
  }

  /** Keeps the lease while the run is driven: renewed every third of its duration. */
  void keepLease() {
    leaseTimer = executor.schedule(journal.leaseDuration().dividedBy(3), () -> {
      try {
        journal.renew();
      } catch (LeaseLostException e) {
        stop("lost its lease: another owner drives it now", e);
        return;
      } catch (RuntimeException e) {
        if (!now().isBefore(journal.lease().expiresAt())) {
          stop("could not renew its lease before it expired: another owner may drive it now", e);
          return;
        }
        LOG.warn("could not renew the lease of run {}; trying again", runId, e);
      }
      keepLease();
    });
  }

  /** Renews the lease now, then goes on: for a side effect no new record precedes (a resumed upgrade). */
  void withLease(Runnable then) {
    try {
      journal.renew();
    } catch (RuntimeException e) {
      stop("could not confirm its lease before a driver call", e);
      return;
    }
    then.run();
  }

  private void release() {
    try {
      journal.release();
    } catch (RuntimeException e) {
      LOG.debug("releasing the lease of run {} failed", runId, e);
    }
  }

  /** Stops with no further side effect: no driver call, write or event; completion fails with {@code why}. */
  private void stop(String what, Throwable why) {
    LOG.warn("run {} {}: stopping without another side effect ({})", runId, what, describe(why));
    stopped = true;
    executor.stop();
    health.stop();
    cancelTimers(true);
    done.completeExceptionally(why);
  }

  void cancelTimers(boolean lease) {
    for (Cancellable timer : new Cancellable[] {pauseTimer, gateTimer, lease ? leaseTimer : null}) {
      if (timer != null) {
        timer.cancel();
      }
    }
    gateTimer = null;
  }

  static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  static ApiError error(String code, String message, List<ApiErrorDetail> details) {
    return ApiError.builder().code(code).message(message).details(details).build();
  }

  static String shortList(List<String> ids) {
    if (ids.size() <= SHOWN_IDS) {
      return String.join(", ", ids);
    }
    return String.join(", ", ids.subList(0, SHOWN_IDS)) + " and " + (ids.size() - SHOWN_IDS) + " more";
  }
}
