package dev.rollingupgrade.core.auto;

/**
 * A journal that cannot be resumed as a rollout: it is not a rollout's, or another SDK version
 * wrote it in a format this one does not read. Trying again does not help.
 */
public final class RolloutJournalException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the journal and what is wrong with it. */
  public RolloutJournalException(String message) {
    super(message);
  }
}
