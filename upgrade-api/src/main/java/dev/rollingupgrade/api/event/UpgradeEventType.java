package dev.rollingupgrade.api.event;

/** What happened in a run. */
public enum UpgradeEventType {
  /** The run started (after its pre-check passed). */
  RUN_STARTED,
  /** A run was picked up from its journal after its host stopped (crash, redeploy). */
  RUN_RESUMED,
  /** A batch was cut and its upgrades are being started. */
  BATCH_STARTED,
  /** The driver was asked to upgrade an instance. */
  INSTANCE_UPGRADE_STARTED,
  /** An upgraded instance reported healthy in time. */
  INSTANCE_HEALTHY,
  /** An instance failed: driver error, timeout or no health in time. */
  INSTANCE_FAILED,
  /** A failed instance's previous OS disk was restored. */
  INSTANCE_ROLLED_BACK,
  /** Restoring a failed instance's previous OS disk failed. */
  INSTANCE_ROLLBACK_FAILED,
  /** Every instance of a batch has an outcome. */
  BATCH_FINISHED,
  /** The run ended: completed, cancelled or faulted (see the event's code and message). */
  RUN_FINISHED
}
