package dev.rollingupgrade.api.spi;

/**
 * A store refused a write or a renewal because another owner has claimed the run since (its
 * fencing token is newer). The run that gets it stops at once, with no further side effect.
 */
public final class LeaseLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message which run, which owner and token, and who holds it now */
  public LeaseLostException(String message) {
    super(message);
  }
}
