package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.Versions;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the automatic upgrade of one opted-in extension of one set stands; used on the service's executor only. */
final class ExtensionState {
  String installed;
  String target;
  String announcedTarget;
  String announcedMajor;
  int attempts;
  ApiError lastError;
  Instant nextAttempt;
  Instant heldUntil; // untouched by a rollout that stopped elsewhere: not before (for heldTarget only)
  String heldTarget;

  ExtensionState(String installed) {
    this.installed = installed;
  }

  /**
   * The lowest version the instances an upgrade may touch report (protected ones never are); the
   * model's if none reports one.
   */
  static String installed(List<Instance> instances, Extension e) {
    return instances.stream().filter(i -> !i.protectFromScaleSetActions())
        .map(i -> i.appliedExtensionVersions().get(e.name())).filter(v -> v != null)
        .min(Versions.ORDER).orElse(e.typeHandlerVersion());
  }

  /** A new target from the catalog: a hold for another target no longer applies. */
  void target(String newTarget) {
    target = newTarget;
    if (heldTarget != null && !heldTarget.equals(newTarget)) {
      heldUntil = null;
      heldTarget = null;
    }
  }

  /** Untouched because the release's rollout stopped elsewhere: not before {@code until}. */
  void hold(Instant until) {
    heldUntil = until;
    heldTarget = target;
  }

  /**
   * Attempts, last error and next attempt at the target, from the extension's history (newest
   * first): the failed runs of the target since its last success.
   */
  void readRetries(List<UpgradeHistoryEntry> history, Duration retryInterval, Instant now) {
    attempts = 0;
    lastError = null;
    nextAttempt = null;
    if (target == null) {
      return;
    }
    for (UpgradeHistoryEntry h : history) {
      if (h.targetExtension().filter(t -> t.version().equals(target)).isEmpty()) {
        break; // an older version's runs: no attempts at this target before
      }
      RollingUpgradeStatusCode code = h.runningStatus().flatMap(RunningStatus::code).orElse(null);
      if (code == RollingUpgradeStatusCode.CANCELLED) {
        continue; // opted out or disabled: not an attempt that failed
      }
      if (!failed(h)) {
        if (attempts == 0) {
          // its newest run completed and some VMs are behind again (reimaged, added): not before the interval
          nextAttempt = h.runningStatus().flatMap(RunningStatus::endTime).orElse(Instant.EPOCH).plus(retryInterval);
        }
        break;
      }
      if (attempts++ == 0) {
        int rolledBack = h.rollbackInfo().map(r -> r.successfullyRolledbackInstanceCount()).orElse(0);
        int failedCount = h.progress().map(p -> p.failedInstanceCount()).orElse(0);
        lastError = h.error().orElse(ApiError.builder().code(rolledBack > 0 ? RollingUpgradeErrorCodes.INSTANCES_ROLLED_BACK : RollingUpgradeErrorCodes.INSTANCES_FAILED)
            .message(failedCount + (failedCount == 1 ? " instance" : " instances") + " failed with it"
                + (rolledBack > 0 ? ", " + rolledBack + " got the previous version back" : "")).build());
        // an entry without an end (written by an older store) counts from its start, never from now
        Instant ended = h.runningStatus().flatMap(RunningStatus::endTime)
            .or(() -> h.runningStatus().flatMap(RunningStatus::startTime)).orElse(Instant.EPOCH);
        nextAttempt = ended.plus(retryInterval);
      }
    }
  }

  /** When it may be tried next, if it has to wait. */
  Optional<Instant> notBefore() {
    return Optional.ofNullable(later(nextAttempt, heldUntil));
  }

  ExtensionUpgradeStatus status(String set, String name, boolean running) {
    ExtensionUpgradeStatus.State state = running ? ExtensionUpgradeStatus.State.RUNNING
        : target == null ? ExtensionUpgradeStatus.State.UP_TO_DATE
        : attempts > 0 || heldUntil != null ? ExtensionUpgradeStatus.State.WAITING_TO_RETRY
        : ExtensionUpgradeStatus.State.PENDING;
    return new ExtensionUpgradeStatus(set, name, installed, Optional.ofNullable(target), state, attempts,
        Optional.ofNullable(lastError), notBefore(), Optional.ofNullable(announcedMajor));
  }

  /** A run that did not complete, or rolled instances back. */
  static boolean failed(UpgradeHistoryEntry h) {
    return h.runningStatus().flatMap(RunningStatus::code).orElse(null) != RollingUpgradeStatusCode.COMPLETED
        || h.progress().map(p -> p.failedInstanceCount() > 0).orElse(false);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  /** {@code set}'s extension {@code extension}, if it is opted in to automatic upgrade. */
  static Optional<Extension> optedIn(ScaleSet set, String extension) {
    return set.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(extension) && e.enableAutomaticUpgrade()).findFirst();
  }
}
