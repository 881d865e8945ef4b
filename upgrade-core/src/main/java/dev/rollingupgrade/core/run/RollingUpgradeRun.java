package dev.rollingupgrade.core.run;

import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.HEALTH_TIMEOUT;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.INSTANCE_UNHEALTHY;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.INTERNAL;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.LIST_FAILED;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.ROLLBACK_FAILED;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.UNHEALTHY_BEFORE;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.UNHEALTHY_DURING;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.UPGRADE_FAILED;
import static dev.rollingupgrade.core.run.RollingUpgradeErrorCodes.UPGRADE_TIMED_OUT;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollingUpgradeActionType;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.plan.Batch;
import dev.rollingupgrade.core.plan.BatchPlanner;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.plan.PlanCursor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One rolling upgrade of a scale set, as an explicit state machine driven by the scheduler:
 * list instances, pre-check health, then for each batch (cut from live health by the planner)
 * upgrade its instances concurrently, wait for each to report healthy within
 * {@code healthTimeout}, roll back what failed (platform runs; in batch order once every instance
 * of the batch has its verdict), check the upgraded instances against
 * {@code maxUnhealthyUpgradedInstancePercent} and the whole set against
 * {@code maxUnhealthyInstancePercent}, pause, and go on until done, faulted or cancelled.
 *
 * <p>Every decision is written to the {@link dev.rollingupgrade.api.spi.RolloutStore} before the
 * side effect it enables, so a run whose host died can be picked up by {@link RolloutRecovery}
 * and finished by the same rules. Events go to the run's listeners; logs carry the MDC keys
 * {@code scaleSet}, {@code runId} and {@code batch}.
 *
 * <p>The handle is thread-safe: {@link #status()}, {@link #cancel()}, {@link #abandon()} and
 * {@link #completion()} may be called from any thread. All state changes run in scheduler tasks
 * under the run's lock, so with a deterministic scheduler the run is deterministic.
 */
public final class RollingUpgradeRun {
  private static final Logger LOG = LoggerFactory.getLogger(RollingUpgradeRun.class);
  private static final int SHOWN_IDS = 10;
  private static final int SWEEP_WINDOW = 1024;

  // journal record kinds
  static final String RUN_STARTED = "RUN_STARTED";
  static final String PLANNED = "PLANNED";
  static final String BATCH_STARTED = "BATCH_STARTED";
  static final String UPGRADE_RETURNED = "UPGRADE_RETURNED";
  static final String INSTANCE_SUCCEEDED = "INSTANCE_SUCCEEDED";
  static final String INSTANCE_FAILED = "INSTANCE_FAILED";
  static final String ROLLBACK_STARTED = "ROLLBACK_STARTED";
  static final String ROLLED_BACK = "ROLLED_BACK";
  static final String ROLLBACK_FAILED_KIND = "ROLLBACK_FAILED";
  static final String BATCH_FINISHED = "BATCH_FINISHED";
  static final String PAUSE_STARTED = "PAUSE_STARTED";
  static final String CANCEL_REQUESTED = "CANCEL_REQUESTED";

  // per-instance state
  private static final byte NOT_CANDIDATE = 0;
  private static final byte PENDING = 1;
  private static final byte IN_FLIGHT = 2;
  private static final byte SUCCEEDED = 3;
  private static final byte FAILED = 4;
  private static final byte NO_ROLLBACK = 0;
  private static final byte ROLLBACK_REQUESTED = 1;
  private static final byte ROLLED_BACK_STATE = 2;
  private static final byte ROLLBACK_FAILED_STATE = 3;

  private final RollingUpgrade.RunConfig config;
  private final RollingUpgradePolicy policy;
  private final String name;
  private final RunJournal journal;
  private final RunEvents events;
  private final boolean rollbackEnabled;
  private final List<Extension> extensionsInOrder;
  private final Instant startTime;
  private final CompletableFuture<UpgradeHistoryEntry> done = new CompletableFuture<>();

  // everything below is guarded by this
  private boolean finished;
  private boolean abandoned;
  private RollingUpgradeStatusCode code = RollingUpgradeStatusCode.ROLLING_FORWARD;
  private ApiError error;
  private RollingUpgradeActionType lastAction = RollingUpgradeActionType.START;
  private Instant lastActionTime;
  private boolean cancelRequested;

  private List<InstanceSnapshot> table = List.of(); // the instances as planned, index i
  private IdIndex indexById = new IdIndex(List.of());
  private HealthState[] live = new HealthState[0];
  private byte[] state = new byte[0];
  private byte[] rollback = new byte[0];
  private int unhealthyLive;
  private int initializingLive;
  private int succeededNotHealthy;
  private int candidates;
  private int succeeded;
  private int failed;
  private int inFlight;
  private int rolledBack;
  private int rollbackFailed;
  private final List<ApiErrorDetail> rollbackErrors = new ArrayList<>();

  private Optional<Cancellable> subscription = Optional.empty();
  private PlanCursor cursor;
  private int batchNumber;
  private Instant batchStart;
  private List<Integer> batchMembers = List.of();
  private boolean batchOpen;
  private int outstanding;
  private Instant gateSince;
  private Cancellable pauseTimer;
  private Runnable gateRetry;
  private Cancellable gateTimer;
  private int mdcDepth;
  private final java.util.ArrayDeque<Runnable> mailbox = new java.util.ArrayDeque<>(); // guarded by itself
  private boolean drainScheduled; // guarded by mailbox
  private HealthWait[] waits = new HealthWait[0]; // the health wait of each instance, while there is one
  private final Map<Integer, Instant> rollbackStartedAt = new HashMap<>(); // resumed runs only; lookups

  RollingUpgradeRun(RollingUpgrade.RunConfig config, Instant startTime, long firstSequence) {
    this.config = config;
    this.policy = config.policy();
    this.name = config.scaleSet().name();
    this.journal = new RunJournal(config.store(), config.scheduler(), config.runId(), firstSequence);
    this.events = new RunEvents(config.listeners(), config.scheduler(), name, config.runId());
    this.rollbackEnabled = config.kind() == UpgradeKind.OS_IMAGE
        && config.startedBy() != UpgradeOperationInvoker.USER && !config.disableAutomaticRollback();
    this.extensionsInOrder = config.scaleSet().virtualMachineProfile().extensionProfile().provisioningOrder();
    this.startTime = startTime;
    this.lastActionTime = startTime;
  }

  /** The run's id, unique in its store. */
  public String runId() {
    return config.runId();
  }

  /** The scale set's name. */
  public String scaleSetName() {
    return name;
  }

  /** Completes when the run ends (completed, cancelled or faulted) with its history entry. */
  public CompletionStage<UpgradeHistoryEntry> completion() {
    return done.minimalCompletionStage();
  }

  /** Whether the run has ended. */
  public synchronized boolean isFinished() {
    return finished;
  }

  /**
   * The status now, in the shape of Azure's {@code rollingUpgrades/latest}. Its progress counts
   * always sum to the number of instances the run upgrades (those not already at the target and
   * not protected).
   */
  public synchronized RollingUpgradeStatus status() {
    var b = RollingUpgradeStatus.builder()
        .policy(policy)
        .runningStatus(RunningStatus.builder().code(code).startTime(startTime).lastAction(lastAction)
            .lastActionTime(lastActionTime).build())
        .progress(progress());
    if (error != null) {
      b.error(error);
    }
    return b.build();
  }

  /**
   * Asks the run to stop: no new batch starts; a batch in flight finishes (upgrades, health waits,
   * rollbacks) and the run ends {@code Cancelled}. A run between batches ends at once. Does nothing
   * once the run has ended. The request is journalled, so a resumed run stays cancelled.
   */
  public synchronized void cancel() {
    if (finished || abandoned || cancelRequested) {
      return;
    }
    withMdc(() -> {
      journal.append(CANCEL_REQUESTED);
      cancelRequested = true;
      lastAction = RollingUpgradeActionType.CANCEL;
      lastActionTime = now();
      LOG.info("cancel requested: no new batch will start");
      if (pauseTimer != null) {
        pauseTimer.cancel();
        pauseTimer = null;
        hop(() -> finish(RollingUpgradeStatusCode.CANCELLED, null));
      }
    });
  }

  /**
   * Stops driving the run at once, as if its host had died: no more driver calls, store writes or
   * events; answers to calls in flight are ignored, and {@link #completion()} never completes.
   * The run stays unfinished in the store, to be picked up by {@link RolloutRecovery} — e.g. after
   * a redeploy of the host service. Does nothing once the run has ended.
   */
  public synchronized void abandon() {
    if (finished || abandoned) {
      return;
    }
    abandoned = true;
    subscription.ifPresent(Cancellable::cancel);
    for (Cancellable timer : new Cancellable[] {pauseTimer, gateTimer}) {
      if (timer != null) {
        timer.cancel();
      }
    }
    LOG.info("run {} abandoned: it stays unfinished in the store", config.runId());
  }

  // ---- start ----

  /** A fresh run: journals its configuration, then lists the instances. */
  void start() {
    hop(() -> {
      journal.append(RUN_STARTED, "scaleSet", name, "location", config.scaleSet().location(),
          "kind", config.kind().name(), "startedBy", config.startedBy().azureName(),
          "target", AzureJson.write(config.target()), "policy", AzureJson.write(policy),
          "disableAutomaticRollback", String.valueOf(config.disableAutomaticRollback()),
          "model", AzureJson.write(config.scaleSet()), "hasProtectedSettings", String.valueOf(
              config.scaleSet().virtualMachineProfile().extensionProfile().extensions().stream()
                  .anyMatch(e -> !e.protectedSettings().isEmpty())));
      LOG.info("rolling upgrade of {} to {} started by {}", name, config.target().display(), config.startedBy().azureName());
      listInstances();
    });
  }

  private void listInstances() {
    call(() -> config.driver().listInstances(name), config.callTimeout(), (list, failure) -> {
      if (failure != null) {
        finish(RollingUpgradeStatusCode.FAULTED, error(LIST_FAILED, "cannot list the instances of " + name
            + ": " + describe(failure), List.of()));
      } else {
        onListed(list);
      }
    });
  }

  private void onListed(List<Instance> listed) {
    List<InstanceSnapshot> snapshots = new ArrayList<>(listed.size());
    Map<String, Optional<String>> zones = new HashMap<>(); // one Optional per zone, not per instance
    for (Instance instance : listed) {
      Optional<String> zone = instance.zone().isEmpty() ? Optional.empty()
          : zones.computeIfAbsent(instance.zone().get(), Optional::of);
      snapshots.add(new InstanceSnapshot(instance.instanceId(), zone, instance.platformUpdateDomain(),
          HealthState.HEALTHY, !atTarget(instance), instance.protectFromScaleSetActions()));
    }
    List<String> duplicates = adopt(snapshots);
    if (!duplicates.isEmpty()) {
      finish(RollingUpgradeStatusCode.FAULTED, error(LIST_FAILED, "the driver listed instance ids twice: "
          + shortList(duplicates), List.of()));
      return;
    }
    subscribe();
    // the plan is made from the health before the first batch (unhealthy first, when asked);
    // asked in a later task, so the driver's list of instances can be let go first
    hop(() -> sweepHealth(() -> {
      List<InstanceSnapshot> planned = new ArrayList<>(table.size());
      for (int i = 0; i < table.size(); i++) {
        InstanceSnapshot s = table.get(i);
        planned.add(s.health() == live[i] ? s : s.withHealth(live[i]));
      }
      table = List.copyOf(planned); // same ids in the same order: the index built by adopt() still holds
      journal.append(PLANNED, "instanceCount", String.valueOf(planned.size()), "candidateCount",
          String.valueOf(candidates), "instances", PlanTable.write(planned));
      plan(planned);
      LOG.info("{} instances, {} to upgrade, batch cap {}, unhealthy budget {}", table.size(), candidates,
          cursor.batchCap(), cursor.unhealthyBudget());
      events.emit(UpgradeEventType.RUN_STARTED, 0, List.of(), null,
          table.size() + " instances, " + candidates + " to upgrade, batch cap " + cursor.batchCap());
      gate(true, this::nextBatch);
    }));
  }

  /** Takes the instance table: ids, candidates, empty per-instance state. Returns ids listed twice. */
  private List<String> adopt(List<InstanceSnapshot> snapshots) {
    List<String> duplicates = new ArrayList<>();
    int n = snapshots.size();
    table = List.copyOf(snapshots);
    live = new HealthState[n];
    java.util.Arrays.fill(live, HealthState.HEALTHY);
    state = new byte[n];
    rollback = new byte[n];
    waits = new HealthWait[n];
    indexById = new IdIndex(table);
    candidates = 0;
    duplicates.addAll(indexById.duplicates());
    for (int i = 0; i < n; i++) {
      InstanceSnapshot s = table.get(i);
      state[i] = s.isCandidate() ? PENDING : NOT_CANDIDATE;
      candidates += s.isCandidate() ? 1 : 0;
    }
    return duplicates;
  }

  private void plan(List<InstanceSnapshot> planned) {
    cursor = BatchPlanner.of(policy).cursor(planned);
  }

  private void subscribe() {
    subscription = config.health().subscribe(name, (id, health) -> hop(() -> onPushedHealth(id, health)));
  }

  private boolean atTarget(Instance instance) {
    if (config.kind() == UpgradeKind.MODEL) {
      return instance.latestModelApplied();
    }
    return instance.appliedImage().map(applied -> applied.sameImageAs(config.target())).orElse(false);
  }

  // ---- resume ----

  /** Rebuilds the run's state from its journal, then finishes it by the same rules. */
  void resume(List<RunRecord> records) {
    Instant pauseUntil = null;
    boolean lastBatchFinished = false;
    Map<Integer, Instant> returned = new HashMap<>();
    RunRecord finalRecord = null;
    for (RunRecord r : records) {
      Map<String, String> a = r.attributes();
      switch (r.kind()) {
        case PLANNED -> {
          List<InstanceSnapshot> planned = PlanTable.read(a.get("instances"));
          adopt(planned);
          for (int i = 0; i < planned.size(); i++) {
            setLive(i, planned.get(i).health());
          }
          plan(planned);
        }
        case BATCH_STARTED -> {
          batchNumber = Integer.parseInt(a.get("batch"));
          batchStart = r.time();
          List<Integer> members = new ArrayList<>();
          for (String id : a.get("instances").split(",", -1)) {
            int i = indexById.get(id);
            members.add(i);
            state[i] = IN_FLIGHT;
            inFlight++;
          }
          batchMembers = members;
          batchOpen = true;
          lastBatchFinished = false;
          pauseUntil = null;
          cursor.skip(members.size());
        }
        case UPGRADE_RETURNED -> returned.put(indexById.get(a.get("instance")), r.time());
        case INSTANCE_SUCCEEDED -> {
          int i = indexById.get(a.get("instance"));
          state[i] = SUCCEEDED;
          succeeded++;
          inFlight--;
        }
        case INSTANCE_FAILED -> {
          int i = indexById.get(a.get("instance"));
          state[i] = FAILED;
          failed++;
          inFlight--;
        }
        case ROLLBACK_STARTED -> {
          int i = indexById.get(a.get("instance"));
          rollback[i] = ROLLBACK_REQUESTED;
          rollbackStartedAt.put(i, r.time());
        }
        case ROLLED_BACK -> {
          rollback[indexById.get(a.get("instance"))] = ROLLED_BACK_STATE;
          rolledBack++;
        }
        case ROLLBACK_FAILED_KIND -> {
          String id = a.get("instance");
          rollback[indexById.get(id)] = ROLLBACK_FAILED_STATE;
          rollbackFailed++;
          rollbackErrors.add(ApiErrorDetail.of(ROLLBACK_FAILED, id, a.getOrDefault("message", "")));
        }
        case BATCH_FINISHED -> {
          batchOpen = false;
          lastBatchFinished = true;
        }
        case PAUSE_STARTED -> pauseUntil = Instant.parse(a.get("until"));
        case CANCEL_REQUESTED -> {
          cancelRequested = true;
          lastAction = RollingUpgradeActionType.CANCEL;
          lastActionTime = r.time();
        }
        case RunRecord.FINAL_KIND -> finalRecord = r;
        default -> { } // RUN_STARTED: read by RolloutRecovery
      }
    }
    if (finalRecord != null) {
      resumeFinished(finalRecord);
      return;
    }
    Instant pause = pauseUntil;
    boolean checksDue = lastBatchFinished;
    hop(() -> {
      LOG.info("run {} resumed from its journal: {} succeeded, {} failed, {} in flight", config.runId(), succeeded,
          failed, inFlight);
      events.emit(UpgradeEventType.RUN_RESUMED, batchNumber, List.of(), null,
          succeeded + " succeeded, " + failed + " failed, " + inFlight + " in flight when the run was picked up");
      if (cursor == null) {
        listInstances(); // stopped before planning: start over from the listing
        return;
      }
      subscribe();
      sweepHealth(() -> {
        if (batchOpen) {
          reattachBatch(returned);
        } else if (pause != null) {
          pauseUntil(pause);
        } else if (checksDue) {
          checkUpgraded();
        } else {
          gate(true, this::nextBatch);
        }
      });
    });
  }

  /** The batch in flight when the host stopped: every instance without a verdict is picked up again. */
  private void reattachBatch(Map<Integer, Instant> returned) {
    MDC.put("batch", String.valueOf(batchNumber));
    outstanding = 0;
    for (int i : batchMembers) {
      outstanding += state[i] == IN_FLIGHT ? 1 : 0;
    }
    if (outstanding == 0) {
      verdictsIn();
      return;
    }
    for (int i : batchMembers) {
      if (state[i] != IN_FLIGHT) {
        continue;
      }
      Instant upgradeReturned = returned.get(i);
      if (upgradeReturned != null) {
        awaitHealthy(i, upgradeReturned.plus(policy.healthTimeout()), false);
      } else {
        checkThroughDriver(i);
      }
    }
  }

  /**
   * An instance whose upgrade call has no recorded answer: what does the driver say it runs now,
   * once no operation is running on it (bounded by the call timeout from the batch start)? At the
   * target: the upgrade landed; wait for health with the time left. Failed: the upgrade failed.
   * Untouched: the call was never made; make it now.
   */
  private void checkThroughDriver(int i) {
    settle(i, batchStart.plus(config.callTimeout()), (instance, failure) -> {
      if (failure instanceof TimeoutException || (failure == null && updating(instance))) {
        instanceFailed(i, UPGRADE_TIMED_OUT, "the upgrade did not complete within " + config.callTimeout());
      } else if (failure != null) {
        instanceFailed(i, UPGRADE_FAILED, "after a restart, the instance could not be read: " + describe(failure));
      } else if (atTarget(instance)) {
        upgradeReturned(i);
      } else if (instance.provisioningState() == ProvisioningState.FAILED) {
        instanceFailed(i, UPGRADE_FAILED, "the upgrade failed while the run was stopped");
      } else {
        issueUpgrade(i);
      }
    });
  }

  /**
   * A rollback started before the host stopped, with no recorded outcome. The instance runs its
   * previous image: the restore landed. Still the target image: the restore failed (provisioning
   * failed) or was never made (make it now). No answer in time: make it (restores are idempotent).
   */
  private void reattachRollback(int i, Runnable then) {
    Instant startedAt = rollbackStartedAt.getOrDefault(i, now());
    settle(i, startedAt.plus(config.callTimeout()), (instance, failure) -> {
      if (failure != null || updating(instance)) {
        rollBack(i, then);
      } else if (!atTarget(instance)) {
        rolledBack(i, then);
      } else if (instance.provisioningState() == ProvisioningState.FAILED) {
        rollbackFailed(i, "restoring the previous OS disk of " + table.get(i).instanceId() + " failed", then);
      } else {
        rollBack(i, then);
      }
    });
  }

  /**
   * Rolls a failed instance back only if its new disk may be in place: it runs the target image,
   * or is still updating, or cannot be read. An instance whose upgrade never landed has nothing to
   * restore and is not counted in the rollback info.
   */
  private void rollBackIfLanded(int i, Runnable then) {
    String id = table.get(i).instanceId();
    call(() -> config.driver().getInstance(name, id), config.callTimeout(), (instance, failure) -> {
      if (failure != null || updating(instance) || atTarget(instance)) {
        rollBack(i, then);
      } else {
        LOG.info("instance {} still runs its previous image: nothing to roll back", id);
        then.run();
      }
    });
  }

  /**
   * Reads the instance once no operation runs on it: through the driver's {@code whenSettled} when
   * it has one, else by polling {@code getInstance} while it is updating; gives up at {@code giveUp}.
   */
  private void settle(int i, Instant giveUp, BiConsumer<Instance, Throwable> then) {
    String id = table.get(i).instanceId();
    Duration left = Duration.between(now(), giveUp);
    Duration timeout = left.isNegative() ? Duration.ZERO : left;
    Optional<CompletionStage<Instance>> settled;
    try {
      settled = config.driver().whenSettled(name, id);
    } catch (RuntimeException e) {
      settled = Optional.empty();
    }
    if (settled != null && settled.isPresent()) {
      CompletionStage<Instance> stage = settled.get();
      call(() -> stage, timeout, then);
      return;
    }
    call(() -> config.driver().getInstance(name, id), config.callTimeout(), (instance, failure) -> {
      if (failure == null && updating(instance) && now().isBefore(giveUp)) {
        Duration wait = timeout.compareTo(config.healthPollInterval()) < 0 ? timeout : config.healthPollInterval();
        config.scheduler().schedule(wait, () -> task(() -> settle(i, giveUp, then)));
      } else {
        then.accept(instance, failure);
      }
    });
  }

  private static boolean updating(Instance instance) {
    return instance.provisioningState() == ProvisioningState.UPDATING
        || instance.provisioningState() == ProvisioningState.CREATING;
  }

  /** A run whose journal ends with its final record: its history entry is made sure of, nothing else. */
  private void resumeFinished(RunRecord finalRecord) {
    UpgradeHistoryEntry entry = AzureJson.readHistoryEntry(finalRecord.attributes().get("history"));
    finished = true;
    code = entry.runningStatus().flatMap(RunningStatus::code).orElse(RollingUpgradeStatusCode.COMPLETED);
    error = entry.error().orElse(null);
    entry.progress().ifPresent(p -> {
      succeeded = p.successfulInstanceCount();
      failed = p.failedInstanceCount();
      inFlight = p.inProgressInstanceCount();
      candidates = p.total();
    });
    if (!config.store().history(name).contains(entry)) {
      config.store().addHistory(name, entry); // the host stopped between the final record and the history
    }
    done.complete(entry);
  }

  // ---- health ----

  /**
   * Asks every instance's health (once at start; before every gate when the signal cannot push),
   * at most {@link #SWEEP_WINDOW} questions at a time: a million open questions would cost more
   * memory than the fleet itself, and hammer the health source.
   */
  private void sweepHealth(Runnable then) {
    int n = table.size();
    if (n == 0) {
      then.run();
      return;
    }
    int[] next = {0};
    int[] answered = {0};
    Runnable[] askNext = new Runnable[1];
    askNext[0] = () -> {
      int index = next[0]++;
      askHealth(index, h -> {
        setLive(index, h);
        if (++answered[0] == n) {
          then.run();
        } else if (next[0] < n) {
          askNext[0].run();
        }
      });
    };
    for (int k = 0; k < Math.min(SWEEP_WINDOW, n); k++) {
      askNext[0].run();
    }
  }

  private void refreshHealth(Runnable then) {
    if (subscription.isPresent()) {
      then.run(); // pushes keep live health current
    } else {
      sweepHealth(then);
    }
  }

  private void askHealth(int i, Consumer<HealthState> onAnswer) {
    String id = table.get(i).instanceId();
    call(() -> config.health().health(name, id), config.healthCallTimeout(),
        (h, failure) -> onAnswer.accept(failure != null || h == null ? HealthState.UNKNOWN : h));
  }

  private void onPushedHealth(String instanceId, HealthState health) {
    Integer i = indexById.get(instanceId);
    if (i == null || health == null) {
      return; // an instance this run does not know
    }
    setLive(i, health);
    HealthWait wait = waits[i];
    if (wait != null && !wait.expired && health == HealthState.HEALTHY) {
      instanceHealthy(i);
    }
    if (gateRetry != null && initializingLive == 0) {
      retryGate();
    }
  }

  private void setLive(int i, HealthState health) {
    HealthState old = live[i];
    if (old == health) {
      return;
    }
    unhealthyLive += (health.countsAsUnhealthy() ? 1 : 0) - (old.countsAsUnhealthy() ? 1 : 0);
    initializingLive += (health == HealthState.INITIALIZING ? 1 : 0) - (old == HealthState.INITIALIZING ? 1 : 0);
    if (state[i] == SUCCEEDED) {
      succeededNotHealthy += (health != HealthState.HEALTHY ? 1 : 0) - (old != HealthState.HEALTHY ? 1 : 0);
    }
    live[i] = health;
  }

  // ---- the gate ----

  /** More than maxUnhealthyInstancePercent of N unhealthy stops the run; initializing instances are waited for. */
  private void gate(boolean beforeFirstBatch, Runnable pass) {
    if (gateSince == null) {
      gateSince = now();
    }
    boolean waitedEnough = !now().isBefore(gateSince.plus(policy.healthTimeout()));
    if (initializingLive > 0 && !waitedEnough) {
      LOG.debug("{} instances initializing: waiting before the gate", initializingLive);
      gateRetry = () -> gate(beforeFirstBatch, pass);
      // pushed health re-runs the gate as soon as nothing initializes; the timer ends the wait (or polls)
      Duration left = Duration.between(now(), gateSince.plus(policy.healthTimeout()));
      Duration wait = subscription.isPresent() || left.compareTo(config.healthPollInterval()) < 0
          ? left : config.healthPollInterval();
      gateTimer = config.scheduler().schedule(wait, () -> task(this::retryGate));
      return;
    }
    gateSince = null;
    int n = table.size();
    int unhealthy = unhealthyLive + initializingLive;
    if (exceeds(unhealthy, n, policy.maxUnhealthyInstancePercent())) {
      List<ApiErrorDetail> details = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (live[i].countsAsUnhealthy() || live[i] == HealthState.INITIALIZING) {
          String id = table.get(i).instanceId();
          ids.add(id);
          details.add(ApiErrorDetail.of(INSTANCE_UNHEALTHY, id, "instance " + id + " is " + live[i]));
        }
      }
      String when = beforeFirstBatch ? "before the rolling upgrade" : "during the rolling upgrade";
      finish(RollingUpgradeStatusCode.FAULTED, error(beforeFirstBatch ? UNHEALTHY_BEFORE : UNHEALTHY_DURING,
          unhealthy + " of " + n + " instances unhealthy " + when + " (" + percent(unhealthy, n) + " > "
              + policy.maxUnhealthyInstancePercent() + " %): " + shortList(ids), details));
      return;
    }
    pass.run();
  }

  private void retryGate() {
    Runnable retry = gateRetry;
    gateRetry = null;
    if (gateTimer != null) {
      gateTimer.cancel();
      gateTimer = null;
    }
    if (retry != null) {
      refreshHealth(retry);
    }
  }

  /** Strictly more than {@code percent} % of {@code total}. */
  private static boolean exceeds(long count, long total, int percent) {
    return count * 100 > (long) percent * total;
  }

  // ---- batches ----

  private void nextBatch() {
    if (cancelRequested) {
      finish(RollingUpgradeStatusCode.CANCELLED, null);
      return;
    }
    Optional<Batch> next = cursor.next(unhealthyLive, s -> live[indexById.get(s.instanceId())].countsAsUnhealthy(),
        batchNumber + 1);
    if (next.isEmpty()) {
      finish(RollingUpgradeStatusCode.COMPLETED, null);
      return;
    }
    Batch batch = next.get();
    journal.append(BATCH_STARTED, "batch", String.valueOf(batch.number()), "instances",
        String.join(",", batch.instanceIds()), "reason", batch.reason());
    batchNumber = batch.number();
    batchStart = now();
    batchOpen = true;
    MDC.put("batch", String.valueOf(batchNumber));
    LOG.info("batch {}: {}", batchNumber, batch.reason());
    events.emit(UpgradeEventType.BATCH_STARTED, batchNumber, batch.instanceIds(), null, batch.reason());
    List<Integer> members = new ArrayList<>(batch.size());
    for (String id : batch.instanceIds()) {
      int i = indexById.get(id);
      members.add(i);
      state[i] = IN_FLIGHT;
      inFlight++;
    }
    batchMembers = members;
    outstanding = members.size();
    for (int i : members) {
      issueUpgrade(i);
    }
  }

  private void issueUpgrade(int i) {
    String id = table.get(i).instanceId();
    events.emit(UpgradeEventType.INSTANCE_UPGRADE_STARTED, batchNumber, List.of(id), null, null);
    Supplier<CompletionStage<Void>> upgrade = config.kind() == UpgradeKind.OS_IMAGE
        ? () -> config.driver().replaceOsDisk(name, id, config.target(), extensionsInOrder)
        : () -> config.driver().applyLatestModel(name, id);
    call(upgrade, config.callTimeout(), (ignored, failure) -> {
      if (failure instanceof TimeoutException) {
        instanceFailed(i, UPGRADE_TIMED_OUT, "the upgrade call did not complete within " + config.callTimeout());
      } else if (failure != null) {
        instanceFailed(i, UPGRADE_FAILED, "the upgrade call failed: " + describe(failure));
      } else {
        upgradeReturned(i);
      }
    });
  }

  /**
   * The upgrade call returned: health is waited for. The return is journalled (so a resumed run
   * waits only the time left) once the first health read is not yet healthy; an instance healthy
   * at once needs only its verdict in the journal.
   */
  private void upgradeReturned(int i) {
    awaitHealthy(i, now().plus(policy.healthTimeout()), true);
  }

  /** Waits until {@code deadline} for HEALTHY: by push when the signal pushes, else by polling. */
  private void awaitHealthy(int i, Instant deadline, boolean journalReturn) {
    HealthWait wait = new HealthWait();
    wait.journalReturn = journalReturn;
    waits[i] = wait;
    Duration left = Duration.between(now(), deadline);
    wait.deadline = config.scheduler().schedule(left.isNegative() ? Duration.ZERO : left, () -> task(() -> {
      if (waits[i] != wait) {
        return;
      }
      // healthy at the deadline still counts: ask once more before failing the instance
      wait.expired = true;
      askHealth(i, h -> {
        setLive(i, h);
        if (waits[i] != wait) {
          return;
        }
        if (h == HealthState.HEALTHY) {
          instanceHealthy(i);
        } else {
          instanceFailed(i, HEALTH_TIMEOUT, "no healthy signal within " + policy.healthTimeout() + " of the upgrade");
        }
      });
    }));
    pollHealth(i);
  }

  private void pollHealth(int i) {
    askHealth(i, h -> {
      setLive(i, h);
      HealthWait wait = waits[i];
      if (wait == null || wait.expired) {
        return;
      }
      if (h == HealthState.HEALTHY) {
        instanceHealthy(i);
        return;
      }
      if (wait.journalReturn) {
        wait.journalReturn = false;
        journal.append(UPGRADE_RETURNED, "instance", table.get(i).instanceId());
      }
      if (subscription.isEmpty()) {
        wait.poll = config.scheduler().schedule(config.healthPollInterval(), () -> task(() -> {
          if (waits[i] == wait) {
            pollHealth(i);
          }
        }));
      }
    });
  }

  private void instanceHealthy(int i) {
    String id = table.get(i).instanceId();
    journal.append(INSTANCE_SUCCEEDED, "instance", id);
    waits[i].cancel();
    waits[i] = null;
    state[i] = SUCCEEDED;
    succeeded++;
    inFlight--;
    events.emit(UpgradeEventType.INSTANCE_HEALTHY, batchNumber, List.of(id), null, null);
    instanceDone();
  }

  private void instanceFailed(int i, String failureCode, String message) {
    String id = table.get(i).instanceId();
    journal.append(INSTANCE_FAILED, "instance", id, "code", failureCode, "message", message);
    HealthWait wait = waits[i];
    waits[i] = null;
    if (wait != null) {
      wait.cancel();
    }
    state[i] = FAILED;
    failed++;
    inFlight--;
    LOG.warn("instance {} failed: {}", id, message);
    events.emit(UpgradeEventType.INSTANCE_FAILED, batchNumber, List.of(id), failureCode, message);
    readHealthThen(i, this::instanceDone);
  }

  private void instanceDone() {
    if (--outstanding == 0) {
      verdictsIn();
    }
  }

  /** Every instance of the batch has its verdict: roll back the failed ones (in batch order), then close the batch. */
  private void verdictsIn() {
    List<Integer> toRestore = new ArrayList<>();
    for (int i : batchMembers) {
      if (state[i] == FAILED && rollbackEnabled
          && (rollback[i] == NO_ROLLBACK || rollback[i] == ROLLBACK_REQUESTED)) {
        toRestore.add(i);
      }
    }
    rollBackAll(toRestore, this::batchFinished);
  }

  /** Restores the previous OS disks of {@code instances} concurrently, then runs {@code then}. */
  private void rollBackAll(List<Integer> instances, Runnable then) {
    if (instances.isEmpty()) {
      then.run();
      return;
    }
    int[] left = {instances.size()};
    Runnable oneDone = () -> {
      if (--left[0] == 0) {
        then.run();
      }
    };
    for (int i : instances) {
      if (rollback[i] == ROLLBACK_REQUESTED) {
        reattachRollback(i, oneDone); // started before the host stopped
      } else {
        rollBackIfLanded(i, oneDone);
      }
    }
  }

  private void rollBack(int i, Runnable then) {
    String id = table.get(i).instanceId();
    journal.append(ROLLBACK_STARTED, "instance", id);
    rollback[i] = ROLLBACK_REQUESTED;
    call(() -> config.driver().restorePreviousOsDisk(name, id), config.callTimeout(), (ignored, failure) -> {
      if (failure != null) {
        LOG.warn("restoring the previous OS disk of {} failed: {}", id, describe(failure));
        rollbackFailed(i, "restoring the previous OS disk of " + id + " failed", then);
      } else {
        rolledBack(i, then);
      }
    });
  }

  private void rolledBack(int i, Runnable then) {
    String id = table.get(i).instanceId();
    journal.append(ROLLED_BACK, "instance", id);
    rollback[i] = ROLLED_BACK_STATE;
    rolledBack++;
    LOG.info("instance {} rolled back to its previous OS disk", id);
    events.emit(UpgradeEventType.INSTANCE_ROLLED_BACK, batchNumber, List.of(id), null, null);
    readHealthThen(i, then);
  }

  private void rollbackFailed(int i, String message, Runnable then) {
    String id = table.get(i).instanceId();
    journal.append(ROLLBACK_FAILED_KIND, "instance", id, "message", message);
    rollback[i] = ROLLBACK_FAILED_STATE;
    rollbackFailed++;
    rollbackErrors.add(ApiErrorDetail.of(ROLLBACK_FAILED, id, message));
    events.emit(UpgradeEventType.INSTANCE_ROLLBACK_FAILED, batchNumber, List.of(id), ROLLBACK_FAILED, message);
    readHealthThen(i, then);
  }

  /** Reads the instance's health again (the checks after the batch need it), then goes on. */
  private void readHealthThen(int i, Runnable then) {
    askHealth(i, h -> {
      setLive(i, h);
      then.run();
    });
  }

  private void batchFinished() {
    journal.append(BATCH_FINISHED, "batch", String.valueOf(batchNumber), "succeeded", String.valueOf(succeeded),
        "failed", String.valueOf(failed));
    batchOpen = false;
    events.emit(UpgradeEventType.BATCH_FINISHED, batchNumber, List.of(), null,
        succeeded + " succeeded and " + failed + " failed so far");
    MDC.remove("batch");
    refreshHealth(this::checkUpgraded);
  }

  /** After a batch: too many failed or unhealthy upgraded instances stop the run. */
  private void checkUpgraded() {
    int upgraded = succeeded + failed;
    int bad = failed + succeededNotHealthy;
    if (!exceeds(bad, upgraded, policy.maxUnhealthyUpgradedInstancePercent())) {
      gate(false, this::afterBatch);
      return;
    }
    List<String> ids = new ArrayList<>();
    List<ApiErrorDetail> details = new ArrayList<>();
    List<Integer> toRestore = new ArrayList<>();
    for (int i = 0; i < state.length; i++) {
      boolean isBad = state[i] == FAILED || (state[i] == SUCCEEDED && live[i] != HealthState.HEALTHY);
      if (isBad) {
        String id = table.get(i).instanceId();
        ids.add(id);
        details.add(ApiErrorDetail.of(state[i] == FAILED ? "InstanceFailed" : INSTANCE_UNHEALTHY, id,
            "upgraded instance " + id + (state[i] == FAILED ? " failed" : " is " + live[i])));
        if (state[i] == FAILED && (rollback[i] == NO_ROLLBACK || rollback[i] == ROLLBACK_REQUESTED)) {
          toRestore.add(i);
        }
      }
    }
    ApiError breach = error(UPGRADED_UNHEALTHY, bad + " of " + upgraded + " upgraded instances unhealthy ("
        + percent(bad, upgraded) + " > " + policy.maxUnhealthyUpgradedInstancePercent() + " %): " + shortList(ids), details);
    if (!policy.rollbackFailedInstancesOnPolicyBreach()) {
      finish(RollingUpgradeStatusCode.FAULTED, breach);
      return;
    }
    if (!toRestore.isEmpty()) {
      LOG.warn("policy breach: rolling back {} failed instances first", toRestore.size());
    }
    rollBackAll(toRestore, () -> finish(RollingUpgradeStatusCode.FAULTED, breach));
  }

  private void afterBatch() {
    if (cursor.remaining() == 0) {
      finish(RollingUpgradeStatusCode.COMPLETED, null);
    } else if (cancelRequested) {
      finish(RollingUpgradeStatusCode.CANCELLED, null);
    } else if (policy.pauseTimeBetweenBatches().isZero()) {
      nextBatch();
    } else {
      Instant until = now().plus(policy.pauseTimeBetweenBatches());
      journal.append(PAUSE_STARTED, "until", until.toString());
      pauseUntil(until);
    }
  }

  private void pauseUntil(Instant until) {
    if (cancelRequested) {
      finish(RollingUpgradeStatusCode.CANCELLED, null);
      return;
    }
    Duration left = Duration.between(now(), until);
    pauseTimer = config.scheduler().schedule(left.isNegative() ? Duration.ZERO : left, () -> task(() -> {
      pauseTimer = null;
      refreshHealth(() -> gate(false, this::nextBatch));
    }));
  }

  // ---- the end ----

  private void finish(RollingUpgradeStatusCode endCode, ApiError endError) {
    if (finished) {
      return;
    }
    Instant end = now();
    var rollbackInfo = dev.rollingupgrade.api.status.RollbackInfo.builder()
        .successfullyRolledbackInstanceCount(rolledBack).failedRolledbackInstanceCount(rollbackFailed);
    if (!rollbackErrors.isEmpty()) {
      rollbackInfo.rollbackError(ApiError.builder().code(ROLLBACK_FAILED)
          .message(rollbackFailed + " instances could not be rolled back").details(rollbackErrors).build());
    }
    var entry = UpgradeHistoryEntry.builder()
        .runningStatus(RunningStatus.builder().code(endCode).startTime(startTime).endTime(end).build())
        .progress(progress())
        .startedBy(config.startedBy())
        .targetImageReference(config.target())
        .rollbackInfo(rollbackInfo.build())
        .location(config.scaleSet().location());
    if (endError != null) {
      entry.error(endError);
    }
    UpgradeHistoryEntry history = entry.build();
    // the final record carries the history entry, so a host that stops right after can still add it
    journal.append(RunRecord.FINAL_KIND, "code", endCode.azureName(), "history", AzureJson.write(history));
    finished = true;
    code = endCode;
    error = endError;
    subscription.ifPresent(Cancellable::cancel);
    for (Cancellable timer : new Cancellable[] {pauseTimer, gateTimer}) {
      if (timer != null) {
        timer.cancel();
      }
    }
    config.store().addHistory(name, history);
    String message = endError == null ? endCode.azureName() + ": " + progressLine()
        : endCode.azureName() + ": " + endError.message().orElse("");
    if (endCode == RollingUpgradeStatusCode.COMPLETED || endCode == RollingUpgradeStatusCode.CANCELLED) {
      LOG.info("run ended {}", message);
    } else {
      LOG.warn("run ended {}", message);
    }
    events.emit(UpgradeEventType.RUN_FINISHED, 0, List.of(), endError == null ? endCode.azureName()
        : endError.code().orElse(endCode.azureName()), message);
    done.complete(history);
  }

  private RollingUpgradeProgress progress() {
    return RollingUpgradeProgress.builder().successfulInstanceCount(succeeded).failedInstanceCount(failed)
        .inProgressInstanceCount(inFlight).pendingInstanceCount(candidates - succeeded - failed - inFlight).build();
  }

  private String progressLine() {
    return succeeded + " succeeded, " + failed + " failed, " + rolledBack + " rolled back";
  }

  // ---- plumbing ----

  private Instant now() {
    return config.scheduler().now();
  }

  /**
   * Runs {@code action} later, in a scheduler task. Actions go through one mailbox drained by a
   * single task (in the order they came), so a million answers cost a handful of tasks, not a
   * million; from any thread.
   */
  private void hop(Runnable action) {
    boolean schedule;
    synchronized (mailbox) {
      mailbox.add(action);
      schedule = !drainScheduled;
      drainScheduled = true;
    }
    if (schedule) {
      config.scheduler().schedule(Duration.ZERO, this::drain);
    }
  }

  private void drain() {
    boolean drained = false;
    try {
      while (true) {
        Runnable next;
        synchronized (mailbox) {
          next = mailbox.poll();
          if (next == null) {
            drainScheduled = false;
            drained = true;
            return;
          }
        }
        task(next);
      }
    } finally {
      if (!drained) {
        synchronized (mailbox) {
          drainScheduled = false; // an Error unwound the drain: the next hop schedules another
        }
      }
    }
  }

  /** Runs one state change under the lock, with the run's MDC; an unexpected error faults the run. */
  private synchronized void task(Runnable action) {
    if (finished || abandoned) {
      return;
    }
    withMdc(() -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.error("run failed unexpectedly", e);
        try {
          finish(RollingUpgradeStatusCode.FAULTED, error(INTERNAL, "the run stopped on an unexpected error: "
              + describe(e), List.of()));
        } catch (RuntimeException again) {
          // the store itself fails: end the run in memory; its journal stays unfinished, to be resumed
          LOG.error("could not record the end of the run", again);
          abandoned = true;
          done.completeExceptionally(again);
        }
      }
    });
  }

  private void withMdc(Runnable action) {
    if (mdcDepth++ == 0) { // a listener may call back into the run: only the outermost call sets and clears
      MDC.put("scaleSet", name);
      MDC.put("runId", config.runId());
      if (batchNumber > 0 && outstanding > 0) {
        MDC.put("batch", String.valueOf(batchNumber));
      }
    }
    try {
      action.run();
    } finally {
      if (--mdcDepth == 0) {
        MDC.remove("scaleSet");
        MDC.remove("runId");
        MDC.remove("batch");
      }
    }
  }

  /**
   * Calls a plug-in asynchronously, bounded by {@code timeout}: a throw, a failed stage or no
   * answer in time all reach {@code onDone} as a failure, exactly once, in a later scheduler task.
   */
  private <T> void call(Supplier<? extends CompletionStage<T>> invoke, Duration timeout, BiConsumer<T, Throwable> onDone) {
    CompletionStage<T> stage;
    try {
      stage = invoke.get();
      if (stage == null) {
        throw new IllegalStateException("the plug-in returned no CompletionStage");
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage instanceof CompletableFuture<T> done && done.isDone()) {
      // answered already (a cached health read, say): no timeout to arm
      done.whenComplete((value, failure) -> hop(() -> onDone.accept(value, unwrap(failure))));
      return;
    }
    AtomicBoolean answered = new AtomicBoolean();
    Cancellable timer = config.scheduler().schedule(timeout, () -> {
      if (answered.compareAndSet(false, true)) {
        task(() -> onDone.accept(null, new TimeoutException("no answer within " + timeout)));
      }
    });
    stage.whenComplete((value, failure) -> {
      if (answered.compareAndSet(false, true)) {
        timer.cancel();
        hop(() -> onDone.accept(value, unwrap(failure)));
      }
    });
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static ApiError error(String code, String message, List<ApiErrorDetail> details) {
    return ApiError.builder().code(code).message(message).details(details).build();
  }

  private static String percent(long count, long total) {
    double p = total == 0 ? 0 : count * 100.0 / total;
    String text = String.format(Locale.ROOT, "%.1f", p);
    return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + " %";
  }

  private static String shortList(List<String> ids) {
    if (ids.size() <= SHOWN_IDS) {
      return String.join(", ", ids);
    }
    return String.join(", ", ids.subList(0, SHOWN_IDS)) + " and " + (ids.size() - SHOWN_IDS) + " more";
  }

  /** Timers of one instance's health wait. */
  private static final class HealthWait {
    private Cancellable deadline;
    private Cancellable poll;
    private boolean expired;
    private boolean journalReturn;

    void cancel() {
      if (deadline != null) {
        deadline.cancel();
      }
      if (poll != null) {
        poll.cancel();
      }
    }
  }
}
