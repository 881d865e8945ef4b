package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.core.run.InFlightReconciliation.UndoFound;
import dev.rollingupgrade.core.run.RunEvent.RollbackFailed;
import dev.rollingupgrade.core.run.RunEvent.RollbackStarted;
import dev.rollingupgrade.core.run.RunEvent.RolledBack;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes the changes of failed instances, concurrently, through the run's {@link UpgradeAction}:
 * only where the change may have landed, each undo journalled before it is made, its outcome
 * counted in the rollback info; an undo started before the host stopped is picked up, not
 * repeated blindly. Used on the run's executor only.
 */
final class Rollbacks {
  private static final Logger LOG = LoggerFactory.getLogger(Rollbacks.class);

  private final RunEngine run;

  Rollbacks(RunEngine run) {
    this.run = run;
  }

  /** Undoes {@code instances} concurrently, then runs {@code then}. */
  void undoAll(List<Integer> instances, Runnable then) {
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
      if (run.state.undo[i] == RunState.Undo.REQUESTED) {
        reattach(i, oneDone); // started before the host stopped
      } else {
        undoIfLanded(i, oneDone);
      }
    }
  }

  /** An instance whose change never landed has nothing to undo and is not counted. */
  private void undoIfLanded(int i, Runnable then) {
    String id = run.state.id(i);
    run.reads.read(id, (instance, failure) -> {
      if (InFlightReconciliation.mayHaveLanded(instance, failure, failure == null && run.action.atTarget(instance))) {
        undo(i, then);
      } else {
        LOG.info("instance {} still runs its previous state: nothing to roll back", id);
        then.run();
      }
    });
  }

  /** An undo journalled before the host stopped, with no recorded outcome. */
  private void reattach(int i, Runnable then) {
    String id = run.state.id(i);
    var startedAt = run.state.undoStartedAt.getOrDefault(i, run.executor.now());
    run.reads.settle(id, startedAt.plus(run.callTimeout), (instance, failure) -> {
      UndoFound found = InFlightReconciliation.undo(instance, failure, failure == null && run.action.atTarget(instance));
      switch (found) {
        case UNDONE -> rolledBack(i, then);
        case UNDO_FAILED -> rollbackFailed(i, run.action.undoDescription() + " of " + id + " failed", then);
        default -> undo(i, then);
      }
    });
  }

  private void undo(int i, Runnable then) {
    String id = run.state.id(i);
    run.commit(new RollbackStarted(id), () -> run.executor.call(() -> "undo " + run.action.applyName() + "(" + id + ")",
        () -> run.action.undo(run.driver, run.name, id), run.callTimeout, (ignored, failure) -> {
          if (failure != null) {
            LOG.warn("{} of {} failed: {}", run.action.undoDescription(), id, RunEngine.describe(failure));
            rollbackFailed(i, run.action.undoDescription() + " of " + id + " failed", then);
          } else {
            rolledBack(i, then);
          }
        }));
  }

  private void rolledBack(int i, Runnable then) {
    String id = run.state.id(i);
    run.commit(new RolledBack(id), () -> {
      LOG.info("instance {} rolled back ({})", id, run.action.undoDescription());
      run.events.emit(UpgradeEventType.INSTANCE_ROLLED_BACK, run.state.batchNumber, List.of(id), null, null);
      run.health.read(i, then);
    });
  }

  private void rollbackFailed(int i, String message, Runnable then) {
    String id = run.state.id(i);
    run.commit(new RollbackFailed(id, message), () -> {
      run.events.emit(UpgradeEventType.INSTANCE_ROLLBACK_FAILED, run.state.batchNumber, List.of(id),
          RollingUpgradeErrorCodes.ROLLBACK_FAILED, message);
      run.health.read(i, then);
    });
  }
}
