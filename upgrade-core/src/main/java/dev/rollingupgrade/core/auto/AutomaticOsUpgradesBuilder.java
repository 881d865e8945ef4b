package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.spi.ImageCatalog;
import java.util.Objects;

/** Configures {@link AutomaticOsUpgrades}. Not thread-safe. */
public final class AutomaticOsUpgradesBuilder {
  final ImageCatalog catalog;
  RolloutBuilder rollouts;
  AutomaticUpgradeTiming timing = AutomaticUpgradeTiming.defaults();
  SupportedImages supported = SupportedImages.defaults();

  AutomaticOsUpgradesBuilder(ImageCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** How rollouts are made: driver, health, scheduler, store, region pairs, preflight, listeners. Required. */
  public AutomaticOsUpgradesBuilder rollouts(RolloutBuilder rollouts) {
    this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
    return this;
  }

  /** When the catalog is read and rollouts start; {@link AutomaticUpgradeTiming#defaults()} unless given. */
  public AutomaticOsUpgradesBuilder timing(AutomaticUpgradeTiming timing) {
    this.timing = Objects.requireNonNull(timing, "timing");
    return this;
  }

  /** The platform images automatic upgrades accept; {@link SupportedImages#defaults()} unless given. */
  public AutomaticOsUpgradesBuilder supportedImages(SupportedImages supported) {
    this.supported = Objects.requireNonNull(supported, "supported");
    return this;
  }

  /**
   * The service; it polls nothing until a set is enabled.
   *
   * @throws IllegalStateException if {@link #rollouts} is missing or lacks driver, health or scheduler
   */
  public AutomaticOsUpgrades build() {
    if (rollouts == null) {
      throw new IllegalStateException("automatic OS upgrades need rollouts(ImageRollout.builder()...) first");
    }
    return new AutomaticOsUpgrades(this);
  }
}
