package dev.rollingupgrade.api.status;

/**
 * The machine-readable codes the SDK reports in {@link ApiError#code()} and
 * {@link ApiErrorDetail#code()}: in a run's status and history, a rollout's status, and the
 * errors of the automatic upgrade services. Test with them (e.g. the testkit's
 * {@code isFaultedWith(code)}) instead of matching messages, which may change.
 */
public final class RollingUpgradeErrorCodes {
  /** More than {@code maxUnhealthyInstancePercent} of the instances were unhealthy before the first batch. */
  public static final String UNHEALTHY_BEFORE = "MaxUnhealthyInstancePercentExceededBeforeRollingUpgrade";
  /** More than {@code maxUnhealthyInstancePercent} of the instances were unhealthy between batches. */
  public static final String UNHEALTHY_DURING = "MaxUnhealthyInstancePercentExceededInRollingUpgrade";
  /** More than {@code maxUnhealthyUpgradedInstancePercent} of the upgraded instances failed or are unhealthy. */
  public static final String UPGRADED_UNHEALTHY = "MaxUnhealthyUpgradedInstancePercentExceededInRollingUpgrade";
  /** The driver could not list the scale set's instances. */
  public static final String LIST_FAILED = "InstanceListFailed";
  /** The preflight found external resources of the model (SAS tokens, certificates, secrets) unusable. */
  public static final String EXTERNAL_RESOURCES = "ExternalResourcesUnavailable";
  /** The run could not go on because of an error of the SDK or a plugged-in store; see the message. */
  public static final String INTERNAL = "InternalExecutionError";
  /** Detail: an instance is unhealthy ({@code UNHEALTHY}, {@code UNKNOWN} or still initializing). */
  public static final String INSTANCE_UNHEALTHY = "InstanceUnhealthy";
  /** Detail: the driver's upgrade call failed. */
  public static final String UPGRADE_FAILED = "UpgradeFailed";
  /** Detail: the driver's upgrade call did not complete in time. */
  public static final String UPGRADE_TIMED_OUT = "UpgradeTimedOut";
  /** Detail: the instance did not report healthy within {@code healthTimeout}. */
  public static final String HEALTH_TIMEOUT = "HealthTimeout";
  /** Detail: restoring the previous OS disk failed. */
  public static final String ROLLBACK_FAILED = "RollbackFailed";
  /** Detail: an instance of the batch failed (its upgrade or health), as opposed to unhealthy before. */
  public static final String INSTANCE_FAILED = "InstanceFailed";
  /** The operation is not allowed on this scale set, e.g. a manual OS upgrade of a pinned image. */
  public static final String OPERATION_NOT_ALLOWED = "OperationNotAllowed";
  /** Rollout: a member's run could not be started (e.g. the store refused it); later phases do not start. */
  public static final String RUN_NOT_STARTED = "RunNotStarted";
  /** Rollout: a member's run failed to go on (an error of the SDK or the store). */
  public static final String RUN_FAILED = "RunFailed";
  /** Rollout: a member's run could not be resumed from the journal after a restart. */
  public static final String RUN_NOT_RESUMED = "RunNotResumed";
  /** Rollout: a member faulted, so the rollout stopped at that phase and later phases stay untouched. */
  public static final String ROLLOUT_STOPPED_AT_PHASE = "RolloutStoppedAtPhase";
  /** Automatic extension upgrade: instances were rolled back to the previous extension version. */
  public static final String INSTANCES_ROLLED_BACK = "InstancesRolledBack";
  /** A run scoped to chosen instances names ids the driver does not list; nothing was upgraded. */
  public static final String UNKNOWN_INSTANCES = "UnknownInstanceIds";
  /** A run scoped to one update domain found no instance in it; nothing was upgraded. */
  public static final String EMPTY_UPDATE_DOMAIN = "UpdateDomainHasNoInstances";
  /** Automatic extension upgrade: instances failed the upgrade and were not rolled back. */
  public static final String INSTANCES_FAILED = "InstancesFailed";

  private RollingUpgradeErrorCodes() {}
}
