package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;

/**
 * An operation the scale set's state does not allow, with Azure's error code
 * {@code OperationNotAllowed}: e.g. a manual OS upgrade of a set whose image does not follow
 * {@code latest}, or while another OS upgrade of it is in flight.
 */
public final class OperationNotAllowedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Azure's error code. */
  public static final String CODE = RollingUpgradeErrorCodes.OPERATION_NOT_ALLOWED;

  /** An exception whose message says what is not allowed and why. */
  public OperationNotAllowedException(String message) {
    super(message);
  }

  /** {@value #CODE}. */
  public String code() {
    return CODE;
  }
}
