package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.core.run.RunHeldException;

/**
 * A rollout cannot be resumed here yet: another owner holds its lease (it is driving the rollout,
 * or died less than a lease duration ago). Try again once the lease expired.
 */
public final class RolloutHeldException extends RunHeldException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the rollout. */
  public RolloutHeldException(String message) {
    super(message);
  }
}
