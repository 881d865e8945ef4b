package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import org.immutables.value.Value;

/**
 * Automatic OS image upgrades (Azure {@code upgradePolicy.automaticOSUpgradePolicy}).
 * Immutable and thread-safe.
 */
@Value.Immutable
public interface AutomaticOSUpgradePolicy {
  /** A builder with every field at its default. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link AutomaticOSUpgradePolicy}; its checks run in {@code build()}. */
  final class Builder extends ImmutableAutomaticOSUpgradePolicy.Builder {
    Builder() {}
  }

  /** The policy with every field at its default (automatic upgrades off). */
  static AutomaticOSUpgradePolicy defaults() {
    return builder().build();
  }

  /** Whether a newly published image version starts an upgrade by itself; default false. */
  @Value.Default
  default boolean enableAutomaticOSUpgrade() {
    return false;
  }

  /** Whether failed instances of platform-started runs keep the new image; default false. */
  @Value.Default
  default boolean disableAutomaticRollback() {
    return false;
  }

  /** Whether automatic upgrades use the rolling upgrade policy's batch rules; default false. */
  @Value.Default
  default boolean useRollingUpgradePolicy() {
    return false;
  }

  /**
   * Azure's per-instance deferral of OS upgrades. Not supported yet: only {@code false} is
   * accepted.
   */
  @Value.Default
  default boolean osRollingUpgradeDeferral() {
    return false;
  }

  /** Rejects the features this SDK does not offer yet. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("AutomaticOSUpgradePolicy");
    if (osRollingUpgradeDeferral()) {
      v.add("osRollingUpgradeDeferral", true,
          "deferral of OS upgrades is not supported yet; omit it or set it to false");
    }
    v.throwIfAny();
  }
}
