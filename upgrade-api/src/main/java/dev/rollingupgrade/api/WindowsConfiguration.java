package dev.rollingupgrade.api;

import org.immutables.value.Value;

/**
 * The Windows settings that matter to upgrades (Azure {@code osProfile.windowsConfiguration}).
 * Its presence marks a Windows scale set. Immutable and thread-safe.
 */
@Value.Immutable
public interface WindowsConfiguration {
  /** Windows settings with {@code enableAutomaticUpdates} as given. */
  static WindowsConfiguration of(boolean enableAutomaticUpdates) {
    return ImmutableWindowsConfiguration.builder().enableAutomaticUpdates(enableAutomaticUpdates).build();
  }

  /** Windows Update inside the guest; default true (Azure). Must be false for automatic OS upgrades. */
  @Value.Default
  default boolean enableAutomaticUpdates() {
    return true;
  }
}
