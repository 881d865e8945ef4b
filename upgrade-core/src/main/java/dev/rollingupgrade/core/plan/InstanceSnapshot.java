package dev.rollingupgrade.core.plan;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import java.util.Objects;
import java.util.Optional;

/**
 * What the planner knows of one instance at one moment: placement, health, whether it still
 * needs the upgrade, and whether it is protected from scale-set actions. Immutable.
 *
 * @param instanceId the instance id; ordered naturally ({@code 2} before {@code 10})
 * @param zone availability zone, empty for a regional instance
 * @param updateDomain platform update domain, 0 or more
 * @param health current health
 * @param needsUpgrade false when the instance is already at the target (never touched)
 * @param protectedFromScaleSetActions true when upgrades must never touch the instance
 */
public record InstanceSnapshot(String instanceId, Optional<String> zone, int updateDomain, HealthState health,
    boolean needsUpgrade, boolean protectedFromScaleSetActions) {

  /** Checks the components. */
  public InstanceSnapshot {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(health, "health");
    if (updateDomain < 0) {
      throw new IllegalArgumentException("updateDomain must be 0 or more, got " + updateDomain + " for instance " + instanceId);
    }
  }

  /** The snapshot of a driver-reported instance with its health and whether it is at the target. */
  public static InstanceSnapshot of(Instance instance, HealthState health, boolean atTarget) {
    return new InstanceSnapshot(instance.instanceId(), instance.zone(), instance.platformUpdateDomain(), health,
        !atTarget, instance.protectFromScaleSetActions());
  }

  /** A healthy instance needing the upgrade: handy for tests and synthetic fleets. */
  public static InstanceSnapshot healthy(String instanceId, String zone, int updateDomain) {
    return new InstanceSnapshot(instanceId, Optional.ofNullable(zone), updateDomain, HealthState.HEALTHY, true, false);
  }

  /** This snapshot with another health. */
  public InstanceSnapshot withHealth(HealthState newHealth) {
    return new InstanceSnapshot(instanceId, zone, updateDomain, newHealth, needsUpgrade, protectedFromScaleSetActions);
  }

  /** This snapshot, needing the upgrade or not (a run that may not touch it plans it as not needing it). */
  public InstanceSnapshot withNeedsUpgrade(boolean needs) {
    return new InstanceSnapshot(instanceId, zone, updateDomain, health, needs, protectedFromScaleSetActions);
  }

  /** Whether a run would upgrade this instance: it needs the upgrade and is not protected. */
  public boolean isCandidate() {
    return needsUpgrade && !protectedFromScaleSetActions;
  }

  /** Whether the 20 % rules count this instance as unhealthy. */
  public boolean isUnhealthy() {
    return health.countsAsUnhealthy();
  }
}
