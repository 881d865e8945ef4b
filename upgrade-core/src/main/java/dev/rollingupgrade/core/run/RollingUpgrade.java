package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configures and starts one rolling upgrade of a scale set (DESIGN §5):
 *
 * <pre>{@code
 * RollingUpgradeRun run = RollingUpgrade.of(scaleSet)
 *     .driver(driver).health(healthSignal).scheduler(scheduler)
 *     .targetImage(ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202410010"))
 *     .startedBy(UpgradeOperationInvoker.PLATFORM)
 *     .start();
 * run.completion().thenAccept(entry -> ...);
 * }</pre>
 *
 * <p>Defaults: target = the model's image, kind {@link UpgradeKind#OS_IMAGE}, started by
 * {@link UpgradeOperationInvoker#USER} (no automatic rollback), an {@link InMemoryRolloutStore},
 * driver calls bounded by 30 minutes, health calls by 1 minute, health polled every 5 seconds
 * when the signal cannot push. A builder is not thread-safe; the run it starts is.
 */
public final class RollingUpgrade {
  private final ScaleSet scaleSet;
  private InstanceDriver driver;
  private HealthSignal health;
  private Scheduler scheduler;
  private RolloutStore store;
  private final List<UpgradeListener> listeners = new ArrayList<>();
  private ImageReference targetImage;
  private UpgradeKind kind = UpgradeKind.OS_IMAGE;
  private UpgradeOperationInvoker startedBy = UpgradeOperationInvoker.USER;
  private Duration callTimeout = Duration.ofMinutes(30);
  private Duration healthCallTimeout = Duration.ofMinutes(1);
  private Duration healthPollInterval = Duration.ofSeconds(5);
  private String runId;

  private RollingUpgrade(ScaleSet scaleSet) {
    this.scaleSet = Objects.requireNonNull(scaleSet, "scaleSet");
  }

  /** Starts configuring a run of {@code scaleSet} under its rolling upgrade policy. */
  public static RollingUpgrade of(ScaleSet scaleSet) {
    return new RollingUpgrade(scaleSet);
  }

  /** The driver that upgrades instances. Required. */
  public RollingUpgrade driver(InstanceDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
    return this;
  }

  /** The health source. Required. */
  public RollingUpgrade health(HealthSignal health) {
    this.health = Objects.requireNonNull(health, "health");
    return this;
  }

  /** The only source of time; the testkit's virtual scheduler in tests. Required. */
  public RollingUpgrade scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** Where decisions and history are recorded; an {@link InMemoryRolloutStore} by default. */
  public RollingUpgrade store(RolloutStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Adds a listener for the run's events. */
  public RollingUpgrade listener(UpgradeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** The image to upgrade to (OS image runs); the model's image by default. */
  public RollingUpgrade targetImage(ImageReference image) {
    this.targetImage = Objects.requireNonNull(image, "image");
    return this;
  }

  /** What the run changes; {@link UpgradeKind#OS_IMAGE} by default. */
  public RollingUpgrade kind(UpgradeKind kind) {
    this.kind = Objects.requireNonNull(kind, "kind");
    return this;
  }

  /**
   * Who started the run. {@code USER} (the default, a manual trigger) never rolls back failed
   * instances; {@code PLATFORM} (an automatic upgrade) rolls them back unless the automatic OS
   * upgrade policy disables it.
   */
  public RollingUpgrade startedBy(UpgradeOperationInvoker startedBy) {
    this.startedBy = Objects.requireNonNull(startedBy, "startedBy");
    return this;
  }

  /** Bound on each driver call; a call still running then fails its instance. Default 30 minutes. */
  public RollingUpgrade callTimeout(Duration timeout) {
    this.callTimeout = positive(timeout, "callTimeout");
    return this;
  }

  /** Bound on each health call; a call still running then reads as {@code UNKNOWN}. Default 1 minute. */
  public RollingUpgrade healthCallTimeout(Duration timeout) {
    this.healthCallTimeout = positive(timeout, "healthCallTimeout");
    return this;
  }

  /** How often health is polled when the signal cannot push. Default 5 seconds. */
  public RollingUpgrade healthPollInterval(Duration interval) {
    this.healthPollInterval = positive(interval, "healthPollInterval");
    return this;
  }

  /** The run's id; by default the scale set name and the start time, made unique in the store. */
  public RollingUpgrade runId(String runId) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be blank");
    }
    this.runId = runId;
    return this;
  }

  /**
   * Starts the run: lists the instances, checks health (the pre-check) and upgrades batch after
   * batch, all through the scheduler. Returns at once.
   *
   * @throws IllegalStateException if driver, health or scheduler is missing, or the run id is taken
   */
  public RollingUpgradeRun start() {
    require(driver, "driver(InstanceDriver)");
    require(health, "health(HealthSignal)");
    require(scheduler, "scheduler(Scheduler)");
    RolloutStore usedStore = store != null ? store : new InMemoryRolloutStore();
    String id = runId != null ? runId : freeRunId(usedStore);
    if (!usedStore.records(id).isEmpty()) {
      throw new IllegalStateException("run id " + id + " already has records in the store; resume it instead");
    }
    ImageReference target = Optional.ofNullable(targetImage).orElse(scaleSet.virtualMachineProfile().imageReference());
    RunConfig config = new RunConfig(scaleSet, scaleSet.upgradePolicy().rollingUpgradePolicy(),
        scaleSet.upgradePolicy().automaticOSUpgradePolicy().disableAutomaticRollback(), target, kind, startedBy,
        driver, health, scheduler, usedStore, listeners, callTimeout, healthCallTimeout, healthPollInterval, id);
    RollingUpgradeRun run = new RollingUpgradeRun(config, scheduler.now(), 0);
    run.start();
    return run;
  }

  private String freeRunId(RolloutStore usedStore) {
    String base = scaleSet.name() + "-" + scheduler.now().toEpochMilli();
    String id = base;
    for (int n = 2; !usedStore.records(id).isEmpty(); n++) {
      id = base + "-" + n;
    }
    return id;
  }

  private static void require(Object value, String what) {
    if (value == null) {
      throw new IllegalStateException("a rolling upgrade needs " + what + " before start()");
    }
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be more than zero, got " + d);
    }
    return d;
  }

  /** Everything a run is configured with; policy and rollback switch as they were when the run started. */
  record RunConfig(ScaleSet scaleSet, RollingUpgradePolicy policy, boolean disableAutomaticRollback,
      ImageReference target, UpgradeKind kind, UpgradeOperationInvoker startedBy,
      InstanceDriver driver, HealthSignal health, Scheduler scheduler, RolloutStore store,
      List<UpgradeListener> listeners, Duration callTimeout, Duration healthCallTimeout,
      Duration healthPollInterval, String runId) {}
}
