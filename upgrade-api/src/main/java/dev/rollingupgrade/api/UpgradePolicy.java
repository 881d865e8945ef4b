package dev.rollingupgrade.api;

import org.immutables.value.Value;

/** How a scale set is upgraded (Azure {@code properties.upgradePolicy}). Immutable and thread-safe. */
@Value.Immutable
public interface UpgradePolicy {
  /** A builder with every field at its default. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UpgradePolicy}; its checks run in {@code build()}. */
  final class Builder extends ImmutableUpgradePolicy.Builder {
    Builder() {}
  }

  /** Azure's default: mode {@code Manual}, default rolling and automatic OS policies. */
  static UpgradePolicy defaults() {
    return builder().build();
  }

  /** The upgrade mode; default {@link UpgradeMode#MANUAL}, as in Azure. */
  @Value.Default
  default UpgradeMode mode() {
    return UpgradeMode.MANUAL;
  }

  /** Batch and health rules of rolling upgrades. */
  @Value.Default
  default RollingUpgradePolicy rollingUpgradePolicy() {
    return RollingUpgradePolicy.defaults();
  }

  /** Automatic OS image upgrade settings. */
  @Value.Default
  default AutomaticOSUpgradePolicy automaticOSUpgradePolicy() {
    return AutomaticOSUpgradePolicy.defaults();
  }
}
