package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.spi.ExtensionCatalog;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.run.RunOptions;
import java.time.Duration;
import java.util.Objects;

/** Configures {@link AutomaticExtensionUpgrades}; driver, health and scheduler are required. Not thread-safe. */
public final class AutomaticExtensionUpgradesBuilder {
  final ExtensionCatalog catalog;
  final ExtensionRuns runs = new ExtensionRuns();
  SupportedExtensions supported = SupportedExtensions.defaults();
  Duration pollInterval = AutomaticExtensionUpgrades.DEFAULT_POLL_INTERVAL;
  Duration retryInterval = AutomaticExtensionUpgrades.DEFAULT_RETRY_INTERVAL;

  AutomaticExtensionUpgradesBuilder(ExtensionCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** The driver that sets extension versions. Required. */
  public AutomaticExtensionUpgradesBuilder driver(InstanceDriver driver) {
    runs.driver = Objects.requireNonNull(driver, "driver");
    return this;
  }

  /** The health source. Required. */
  public AutomaticExtensionUpgradesBuilder health(HealthSignal health) {
    runs.health = Objects.requireNonNull(health, "health");
    return this;
  }

  /** The only source of time. Required. */
  public AutomaticExtensionUpgradesBuilder scheduler(Scheduler scheduler) {
    runs.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** Where runs and their history are kept; an in-memory store on the scheduler's time by default. */
  public AutomaticExtensionUpgradesBuilder store(RolloutStore store) {
    runs.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Timing, lease and owner of the runs; {@code RunOptions.defaults()} unless given. */
  public AutomaticExtensionUpgradesBuilder options(RunOptions options) {
    runs.options = Objects.requireNonNull(options, "options");
    return this;
  }

  /** Adds a listener for the service's and its runs' events. */
  public AutomaticExtensionUpgradesBuilder listener(UpgradeListener listener) {
    runs.listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Geo pairs of regions, never in one phase of a rollout; none unless given. */
  public AutomaticExtensionUpgradesBuilder regionPairs(RegionPairs pairs) {
    runs.pairs = Objects.requireNonNull(pairs, "pairs");
    return this;
  }

  /** The extensions that support automatic upgrade; {@link SupportedExtensions#defaults()} unless given. */
  public AutomaticExtensionUpgradesBuilder supportedExtensions(SupportedExtensions supported) {
    this.supported = Objects.requireNonNull(supported, "supported");
    return this;
  }

  /**
   * How often the catalog is read; 15 minutes unless given.
   *
   * @throws IllegalArgumentException unless between 1 second and 1 day
   */
  public AutomaticExtensionUpgradesBuilder pollInterval(Duration interval) {
    this.pollInterval = within("pollInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
    return this;
  }

  /**
   * How long after a failed upgrade ended it is tried again; 3 days unless given.
   *
   * @throws IllegalArgumentException unless between 1 minute and 30 days
   */
  public AutomaticExtensionUpgradesBuilder retryInterval(Duration interval) {
    this.retryInterval = within("retryInterval", interval, Duration.ofMinutes(1), Duration.ofDays(30));
    return this;
  }

  /**
   * The service; it watches nothing until {@link AutomaticExtensionUpgrades#enable}.
   *
   * @throws IllegalStateException if driver, health or scheduler is missing
   */
  public AutomaticExtensionUpgrades build() {
    return new AutomaticExtensionUpgrades(this);
  }

  private static Duration within(String what, Duration d, Duration min, Duration max) {
    if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + d);
    }
    return d;
  }
}
