package dev.rollingupgrade.testkit.fleet;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ProvisioningState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The script of one instance of a {@link FakeFleet}: how it behaves when upgraded, rolled back
 * or left alone. Methods read like the scenario ({@code fleet.instance("3").neverBecomesHealthy()})
 * and return this for chaining. Changes apply to calls made after them.
 */
public final class FakeInstance {
  final FakeFleet fleet;
  final String id;
  final String zone;
  final int updateDomain;
  final int faultDomain;

  ImageReference image;
  ImageReference previousImage;
  final Map<String, String> extensionVersions = new TreeMap<>(); // extension name -> installed version
  final Set<String> breakingVersions = new TreeSet<>(); // "name=version" that leave it unhealthy
  HealthState health = HealthState.HEALTHY;
  boolean latestModelApplied = true;
  boolean protectedFromScaleSetActions;
  boolean down; // maintenance: unhealthy whatever happens until it comes back
  ProvisioningState provisioning = ProvisioningState.SUCCEEDED;
  CompletableFuture<Void> operation; // the upgrade or restore running now, if any

  Duration upgradeLatency;
  Duration timeToHealthy;
  Duration rollbackLatency;
  boolean neverHealthy;
  boolean failsUpgrade;
  boolean throwsOnUpgrade;
  boolean hangsOnUpgrade;
  boolean failsRollback;
  boolean healthCallThrows;
  boolean healthCallHangs;
  Duration flapPeriod;
  int flaps;

  FakeInstance(FakeFleet fleet, String id, String zone, int updateDomain, int faultDomain, ImageReference image,
      Duration upgradeLatency, Duration timeToHealthy, Duration rollbackLatency) {
    this.fleet = fleet;
    this.id = id;
    this.zone = zone;
    this.updateDomain = updateDomain;
    this.faultDomain = faultDomain;
    this.image = image;
    this.upgradeLatency = upgradeLatency;
    this.timeToHealthy = timeToHealthy;
    this.rollbackLatency = rollbackLatency;
  }

  /** The instance id. */
  public String id() {
    return id;
  }

  /** The instance's zone; empty when regional. */
  public Optional<String> zone() {
    return Optional.ofNullable(zone);
  }

  /** The instance's update domain. */
  public int updateDomain() {
    return updateDomain;
  }

  /** Whether upgrades must never touch the instance. */
  public boolean isProtected() {
    synchronized (fleet) {
      return protectedFromScaleSetActions;
    }
  }

  /** The image the instance runs now. */
  public ImageReference image() {
    synchronized (fleet) {
      return image;
    }
  }

  /** The instance's health now. */
  public HealthState health() {
    synchronized (fleet) {
      return health;
    }
  }

  /** The upgrade call takes this long. */
  public FakeInstance upgradeLatency(Duration latency) {
    synchronized (fleet) {
      this.upgradeLatency = Objects.requireNonNull(latency, "latency");
    }
    return this;
  }

  /** After its upgrade the instance is initializing this long, then healthy. */
  public FakeInstance timeToHealthy(Duration time) {
    synchronized (fleet) {
      this.timeToHealthy = Objects.requireNonNull(time, "time");
    }
    return this;
  }

  /** After its upgrade the instance stays unhealthy (until rolled back). */
  public FakeInstance neverBecomesHealthy() {
    synchronized (fleet) {
      neverHealthy = true;
    }
    return this;
  }

  /** The upgrade call fails (after its latency); the instance keeps its image and turns unhealthy. */
  public FakeInstance failsUpgrade() {
    synchronized (fleet) {
      failsUpgrade = true;
    }
    return this;
  }

  /** The upgrade call throws instead of returning a stage. */
  public FakeInstance throwsOnUpgrade() {
    synchronized (fleet) {
      throwsOnUpgrade = true;
    }
    return this;
  }

  /** The upgrade call never completes. */
  public FakeInstance hangsOnUpgrade() {
    synchronized (fleet) {
      hangsOnUpgrade = true;
    }
    return this;
  }

  /** Restoring the previous OS disk fails. */
  public FakeInstance failsRollback() {
    synchronized (fleet) {
      failsRollback = true;
    }
    return this;
  }

  /** Health calls for this instance throw. */
  public FakeInstance healthCallThrows() {
    synchronized (fleet) {
      healthCallThrows = true;
    }
    return this;
  }

  /** Health calls for this instance never complete. */
  public FakeInstance healthCallHangs() {
    synchronized (fleet) {
      healthCallHangs = true;
    }
    return this;
  }

  /** Once healthy after its upgrade, the instance flips unhealthy and back {@code times} times, every {@code period}. */
  public FakeInstance flaps(Duration period, int times) {
    synchronized (fleet) {
      this.flapPeriod = Objects.requireNonNull(period, "period");
      this.flaps = times;
    }
    return this;
  }

  /** The instance is unhealthy from the start. */
  public FakeInstance startsUnhealthy() {
    return startsAs(HealthState.UNHEALTHY);
  }

  /** The instance starts with this health. */
  public FakeInstance startsAs(HealthState state) {
    synchronized (fleet) {
      fleet.setHealth(this, state);
    }
    return this;
  }

  /** Maintenance: the instance goes unhealthy at {@code time} and stays so (whatever is done to it). */
  public FakeInstance becomesUnhealthyAt(Instant time) {
    fleet.at(time, () -> {
      down = true;
      fleet.setHealth(this, HealthState.UNHEALTHY);
    });
    return this;
  }

  /** The end of maintenance: the instance is healthy again at {@code time}. */
  public FakeInstance becomesHealthyAt(Instant time) {
    fleet.at(time, () -> {
      down = false;
      fleet.setHealth(this, HealthState.HEALTHY);
    });
    return this;
  }

  /** Upgrades must never touch this instance. */
  public FakeInstance protectedFromScaleSetActions() {
    synchronized (fleet) {
      protectedFromScaleSetActions = true;
    }
    return this;
  }

  /** The instance already runs {@code runningImage} (e.g. the target: an upgrade leaves it alone). */
  public FakeInstance runs(ImageReference runningImage) {
    synchronized (fleet) {
      this.image = Objects.requireNonNull(runningImage, "runningImage");
    }
    return this;
  }

  /** The version of extension {@code name} installed now, if any. */
  public Optional<String> extensionVersion(String name) {
    synchronized (fleet) {
      return Optional.ofNullable(extensionVersions.get(name));
    }
  }

  /** Every installed extension and its version, by name (sorted by name, so it prints the same everywhere). */
  public Map<String, String> extensionVersions() {
    synchronized (fleet) {
      return java.util.Collections.unmodifiableMap(new TreeMap<>(extensionVersions));
    }
  }

  /** Extension {@code name} is installed at {@code version} (e.g. already at the target: an upgrade leaves it alone). */
  public FakeInstance hasExtension(String name, String version) {
    synchronized (fleet) {
      extensionVersions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(version, "version"));
    }
    return this;
  }

  /**
   * Version {@code version} of extension {@code name} breaks this instance: once it is installed
   * the instance reports unhealthy, until another version is installed (a rollback heals it).
   */
  public FakeInstance breaksWith(String name, String version) {
    synchronized (fleet) {
      breakingVersions.add(name + "=" + version);
    }
    return this;
  }

  /** Version {@code version} of extension {@code name} no longer breaks this instance (the publisher fixed it). */
  public FakeInstance noLongerBreaksWith(String name, String version) {
    synchronized (fleet) {
      breakingVersions.remove(name + "=" + version);
    }
    return this;
  }

  /** Whether an installed extension version is one that breaks it. */
  boolean brokenByExtension() {
    return extensionVersions.entrySet().stream().anyMatch(e -> breakingVersions.contains(e.getKey() + "=" + e.getValue()));
  }

  /** Whether the instance runs the scale set's latest model now. */
  public boolean runsLatestModel() {
    synchronized (fleet) {
      return latestModelApplied;
    }
  }

  /** Whether the instance runs the scale set's latest model. */
  public FakeInstance latestModelApplied(boolean applied) {
    synchronized (fleet) {
      this.latestModelApplied = applied;
    }
    return this;
  }
}
