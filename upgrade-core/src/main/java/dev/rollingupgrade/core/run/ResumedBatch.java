package dev.rollingupgrade.core.run;

import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.UPGRADE_FAILED;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.UPGRADE_TIMED_OUT;

import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.RunRecord;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a run up from its journal: folds the journal's events into the state (the very
 * {@link RunState#apply} of the live run), then goes on where the run stood — the batch in
 * flight (each instance without a verdict is checked through the driver, never upgraded twice),
 * the pause, the checks after a batch, or the gate before the next one.
 */
final class ResumedBatch {
  private static final Logger LOG = LoggerFactory.getLogger(ResumedBatch.class);

  private final RunEngine run;

  ResumedBatch(RunEngine run) {
    this.run = run;
  }

  /** Folds {@code records} (the first is the run's start, already applied). A finished run only completes. */
  void resume(List<RunRecord> records) {
    RunState state = run.state;
    for (RunRecord r : records.subList(1, records.size())) {
      state.apply(EventCodec.decode(r, java.util.Optional.of(state.settings.model())), r.time());
    }
    if (state.isFinished()) {
      run.journal.release();
      run.done.complete(state.history().orElseThrow());
      return;
    }
    run.begunAlready();
    run.keepLease();
    run.executor.execute(() -> {
      LOG.info("run {} resumed from its journal: {} succeeded, {} failed, {} in flight", run.runId, state.succeeded,
          state.failed, state.inFlight);
      run.events.emit(UpgradeEventType.RUN_RESUMED, state.batchNumber, List.of(), null, state.succeeded
          + " succeeded, " + state.failed + " failed, " + state.inFlight + " in flight when the run was picked up");
      if (!state.planned()) {
        run.preflightThenList(); // stopped before planning: start over from the preflight
        return;
      }
      run.health.subscribe();
      run.health.sweep(() -> {
        if (state.batchOpen) {
          reattachBatch();
        } else if (state.pauseUntil != null) {
          run.pauseUntil(state.pauseUntil);
        } else if (state.checksDue) {
          run.checkUpgraded();
        } else {
          run.gate(state.batchNumber == 0, run::nextBatch);
        }
      });
    });
  }

  /** The batch in flight when the host stopped: every instance without a verdict is picked up again. */
  private void reattachBatch() {
    RunState state = run.state;
    run.executor.mdc("batch", String.valueOf(state.batchNumber));
    int outstanding = 0;
    for (int i : state.batchMembers) {
      outstanding += state.progress[i] == RunState.Progress.IN_FLIGHT ? 1 : 0;
    }
    run.outstanding(outstanding);
    if (outstanding == 0) {
      run.verdictsIn();
      return;
    }
    for (int i : state.batchMembers) {
      if (state.progress[i] != RunState.Progress.IN_FLIGHT) {
        continue;
      }
      Instant returned = state.returnedAt.get(i);
      if (returned != null) {
        run.awaitHealthy(i, returned.plus(state.settings.policy().healthTimeout()), false);
      } else {
        checkThroughDriver(i);
      }
    }
  }

  /**
   * An instance whose upgrade call has no recorded answer: what does the driver say once no
   * operation runs on it (bounded by the call timeout from the batch start)?
   */
  private void checkThroughDriver(int i) {
    RunState state = run.state;
    Instant batchStart = state.batches.get(state.batches.size() - 1).start();
    Instant deadline = batchStart.plus(run.callTimeout);
    // a deadline that passed while the host was down (its verdict deferred and lost) must not make a
    // settled instance a timeout: the driver still gets one health-call timeout to say what it runs
    Instant giveUp = deadline.isAfter(run.now()) ? deadline : run.now().plus(state.settings.healthCallTimeout());
    run.reads.settle(state.id(i), giveUp, (instance, failure) -> {
      var found = InFlightReconciliation.upgrade(instance, failure, failure == null && run.action.atTarget(instance));
      switch (found) {
        case TIMED_OUT -> run.instanceFailed(i, UPGRADE_TIMED_OUT, "the upgrade did not complete within "
            + run.callTimeout);
        case UNREADABLE -> run.instanceFailed(i, UPGRADE_FAILED, "after a restart, the instance could not be read: "
            + RunLifecycle.describe(failure));
        case LANDED -> {
          run.events.emit(UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED, state.batchNumber, List.of(state.id(i)),
              null, null);
          run.awaitHealthy(i, run.now().plus(state.settings.policy().healthTimeout()), true);
        }
        case FAILED -> run.instanceFailed(i, UPGRADE_FAILED, "the upgrade failed while the run was stopped");
        default -> run.withLease(() -> run.issueUpgrade(i)); // no record precedes this call: fence it
      }
    });
  }
}
