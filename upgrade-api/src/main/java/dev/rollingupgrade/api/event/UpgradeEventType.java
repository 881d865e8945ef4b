package dev.rollingupgrade.api.event;

/** What happened in a run, a rollout across regions, or the automatic upgrade service. */
public enum UpgradeEventType {
  /** The run listed its instances and made its plan; its pre-check (the gate before the first batch) comes next. */
  RUN_STARTED,
  /** A run was picked up from its journal after its host stopped (crash, redeploy). */
  RUN_RESUMED,
  /** A batch was cut and its upgrades are being started. */
  BATCH_STARTED,
  /** The driver was asked to upgrade an instance. */
  INSTANCE_UPGRADE_STARTED,
  /**
   * The instance's health wait starts: its upgrade call completed (or, in a resumed run, the
   * upgrade was found to have landed), and it now has {@code healthTimeout} to report healthy. An
   * {@code INSTANCE_HEALTHY} or {@code INSTANCE_FAILED} ends it.
   */
  INSTANCE_HEALTH_WAIT_STARTED,
  /** An upgraded instance reported healthy in time. */
  INSTANCE_HEALTHY,
  /** An instance failed: driver error, timeout or no health in time. */
  INSTANCE_FAILED,
  /** A failed instance's previous OS disk (or extension version) was restored. */
  INSTANCE_ROLLED_BACK,
  /** Restoring a failed instance's previous OS disk (or extension version) failed. */
  INSTANCE_ROLLBACK_FAILED,
  /** Every instance of a batch has an outcome. */
  BATCH_FINISHED,
  /** The run ended: completed, cancelled or faulted (see the event's code and message). */
  RUN_FINISHED,
  /**
   * Automatic OS (or extension) upgrades saw a newer version for a scale set (message: the version,
   * and when its rollout is due).
   */
  RELEASE_DETECTED,
  /** The image (or extension) catalog could not be read; retried with backoff (message: the error, and when the retry is). */
  CATALOG_ERROR,
  /**
   * An automatic extension upgrade failed and will be tried again (message: the extension and
   * version, the attempt, the error and the next attempt's time).
   */
  EXTENSION_RETRY_SCHEDULED,
  /** A newer major version of an opted-in extension is published; it is never applied automatically. */
  EXTENSION_MAJOR_AVAILABLE,
  /**
   * The instances of a watched scale set could not be listed (a wrong name, an outage); nothing is
   * decided for it until they can be (message: the error, and when it is asked again).
   */
  INSTANCES_UNAVAILABLE,
  /**
   * A scale set's model was updated (message: the fields changed); its instances report
   * {@code latestModelApplied=false} until they are brought up to date.
   */
  MODEL_UPDATED,
  /**
   * A run upgrades every out-of-date instance of the set at once (an {@code Automatic} set): they
   * are unavailable together (message: how many). Sent after {@code RUN_STARTED}, before the batch.
   */
  DOWNTIME_WARNING,
  /** A multi-region rollout of an image release started (runId: the rollout id; message: its phases). */
  ROLLOUT_STARTED,
  /** A phase of a rollout started (batch: the phase number; message: its regions). */
  ROLLOUT_PHASE_STARTED,
  /** A rollout ended: completed, faulted at a phase (later phases untouched) or cancelled. */
  ROLLOUT_FINISHED
}
