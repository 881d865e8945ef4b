package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ProvisioningState;
import java.util.concurrent.TimeoutException;

/**
 * After a resume, what became of operations that were in flight when the host stopped: pure
 * decisions from what the driver reports of the instance once it settled (or the failure of
 * reading it), and whether it runs the target.
 */
final class InFlightReconciliation {
  private InFlightReconciliation() {}

  /** What became of an upgrade whose call has no recorded answer. */
  enum UpgradeFound {
    /** The change is in place: wait for health with the time left. */
    LANDED,
    /** The instance reports a failed provisioning: the upgrade failed. */
    FAILED,
    /** Still updating when the call timeout passed. */
    TIMED_OUT,
    /** The instance could not be read. */
    UNREADABLE,
    /** Untouched: the call was never made; make it now. */
    NOT_MADE
  }

  /** What became of an undo that was started and has no recorded outcome. */
  enum UndoFound {
    /** The previous state is back. */
    UNDONE,
    /** The undo failed (provisioning failed on the target). */
    UNDO_FAILED,
    /** Unknown or never made: make it (undo is idempotent). */
    UNDO_NOW
  }

  static UpgradeFound upgrade(Instance instance, Throwable failure, boolean atTarget) {
    if (failure instanceof TimeoutException || (failure == null && updating(instance))) {
      return UpgradeFound.TIMED_OUT;
    }
    if (failure != null) {
      return UpgradeFound.UNREADABLE;
    }
    if (atTarget) {
      return UpgradeFound.LANDED;
    }
    return instance.provisioningState() == ProvisioningState.FAILED ? UpgradeFound.FAILED : UpgradeFound.NOT_MADE;
  }

  static UndoFound undo(Instance instance, Throwable failure, boolean atTarget) {
    if (failure != null || updating(instance)) {
      return UndoFound.UNDO_NOW;
    }
    if (!atTarget) {
      return UndoFound.UNDONE;
    }
    return instance.provisioningState() == ProvisioningState.FAILED ? UndoFound.UNDO_FAILED : UndoFound.UNDO_NOW;
  }

  /**
   * Whether a failed instance's change may be in place, so undoing it makes sense: it runs the
   * target, is still updating, or cannot be read. One whose change never landed has nothing to undo.
   */
  static boolean mayHaveLanded(Instance instance, Throwable failure, boolean atTarget) {
    return failure != null || updating(instance) || atTarget;
  }

  static boolean updating(Instance instance) {
    return instance.provisioningState() == ProvisioningState.UPDATING
        || instance.provisioningState() == ProvisioningState.CREATING;
  }
}
