package dev.rollingupgrade.api;

/** Power state of an instance (Azure status code {@code PowerState/<name>}). */
public enum PowerState {
  /** {@code PowerState/starting}. */
  STARTING,
  /** {@code PowerState/running}. */
  RUNNING,
  /** {@code PowerState/stopping}. */
  STOPPING,
  /** {@code PowerState/stopped}. */
  STOPPED,
  /** {@code PowerState/deallocating}. */
  DEALLOCATING,
  /** {@code PowerState/deallocated}. */
  DEALLOCATED,
  /** Not reported. */
  UNKNOWN
}
