package dev.rollingupgrade.core.run;

/**
 * A run cannot be resumed here yet: another owner holds its lease (it is driving the run, or
 * died less than a lease duration ago). Try again once the lease expired.
 */
public class RunHeldException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the run. */
  public RunHeldException(String message) {
    super(message);
  }
}
