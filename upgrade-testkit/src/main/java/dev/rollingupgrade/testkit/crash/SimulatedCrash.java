package dev.rollingupgrade.testkit.crash;

/**
 * Thrown by a {@link CrashingStore} to stop a run where its host would have died. An
 * {@link Error}, so the SDK does not treat it as a failure to handle: it unwinds through the
 * virtual scheduler to the test, which then abandons the run and resumes it.
 */
public final class SimulatedCrash extends Error {
  private static final long serialVersionUID = 1L;

  /** A crash at the given point. */
  public SimulatedCrash(String where) {
    super("simulated crash " + where);
  }
}
