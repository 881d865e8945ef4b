package dev.rollingupgrade.core.run;

import java.util.Objects;
import java.util.Optional;

/**
 * Where one instance of a run stands. Immutable.
 *
 * @param instanceId the instance
 * @param state what happened to it so far
 * @param batch the batch it was in, 0 when none yet
 * @param errorCode why it failed (e.g. {@code HealthTimeout}), or why its rollback failed
 * @param message the failure in words
 */
public record InstanceOutcome(String instanceId, State state, int batch, Optional<String> errorCode,
    Optional<String> message) {
  /** Checks the fields. */
  public InstanceOutcome {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(message, "message");
  }

  /** What happened to an instance. */
  public enum State {
    /** Already at the target or protected from scale-set actions: the run never touches it. */
    SKIPPED,
    /** Waits for its batch. */
    PENDING,
    /** Its batch runs: upgrading or waiting for health. */
    UPGRADING,
    /** Upgraded and reported healthy in time. */
    UPGRADED,
    /** Failed, and was not (or not yet) rolled back. */
    FAILED,
    /** Failed, and its change was undone. */
    ROLLED_BACK,
    /** Failed, and undoing its change failed too. */
    ROLLBACK_FAILED
  }
}
