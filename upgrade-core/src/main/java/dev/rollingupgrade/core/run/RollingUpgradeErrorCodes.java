package dev.rollingupgrade.core.run;

/** The machine-readable codes a run reports in its {@code error} and in instance details. */
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

  private RollingUpgradeErrorCodes() {}
}
