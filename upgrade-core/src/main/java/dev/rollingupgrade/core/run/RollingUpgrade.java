package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import java.time.Duration;
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
 * {@link UpgradeOperationInvoker#USER}, rollback on for platform runs only (unless the automatic
 * OS upgrade policy disables it), an {@link InMemoryRolloutStore} on the scheduler's time, and
 * the timing of {@link RunOptions#defaults()}. The upgrade mode is honoured: the platform never
 * starts a run on a {@code Manual} or {@code Automatic} scale set, except an OS-image run of a
 * set with automatic OS upgrades enabled (Azure rolls those in batches whatever the mode). A builder is not thread-safe;
 * the run it starts is.
 */
public final class RollingUpgrade {
  private final ScaleSet scaleSet;
  private final RunWiring wiring = new RunWiring();
  private ImageReference targetImage;
  private UpgradeKind kind = UpgradeKind.OS_IMAGE;
  private TargetExtension extension;
  private UpgradeOperationInvoker startedBy = UpgradeOperationInvoker.USER;
  private Boolean rollback;
  private String runId;
  private RollingUpgradePolicy policy;
  private String rollout;
  private RunScope scope = RunScope.rolling();

  private RollingUpgrade(ScaleSet scaleSet) {
    this.scaleSet = Objects.requireNonNull(scaleSet, "scaleSet");
  }

  /** Starts configuring a run of {@code scaleSet} under its rolling upgrade policy. */
  public static RollingUpgrade of(ScaleSet scaleSet) {
    return new RollingUpgrade(scaleSet);
  }

  /** The driver that upgrades instances. Required. */
  public RollingUpgrade driver(InstanceDriver driver) {
    wiring.driver(driver);
    return this;
  }

  /** The health source. Required. */
  public RollingUpgrade health(HealthSignal health) {
    wiring.health(health);
    return this;
  }

  /** The only source of time; the testkit's virtual scheduler in tests. Required. */
  public RollingUpgrade scheduler(Scheduler scheduler) {
    wiring.scheduler(scheduler);
    return this;
  }

  /** Where decisions and history are recorded; an {@link InMemoryRolloutStore} by default. */
  public RollingUpgrade store(RolloutStore store) {
    wiring.store(store);
    return this;
  }

  /** Adds a listener for the run's events (called outside the run's lock; see {@link UpgradeListener}). */
  public RollingUpgrade listener(UpgradeListener listener) {
    wiring.listener(listener);
    return this;
  }

  /** The timing knobs, lease and owner; {@link RunOptions#defaults()} unless given. */
  public RollingUpgrade options(RunOptions options) {
    wiring.options(options);
    return this;
  }

  /** Shorthand for {@code options(options.withCallTimeout(timeout))}. */
  public RollingUpgrade callTimeout(Duration timeout) {
    wiring.options(wiring.options.withCallTimeout(timeout));
    return this;
  }

  /** Shorthand for {@code options(options.withHealthCallTimeout(timeout))}. */
  public RollingUpgrade healthCallTimeout(Duration timeout) {
    wiring.options(wiring.options.withHealthCallTimeout(timeout));
    return this;
  }

  /** Shorthand for {@code options(options.withHealthPollInterval(interval))}. */
  public RollingUpgrade healthPollInterval(Duration interval) {
    wiring.options(wiring.options.withHealthPollInterval(interval));
    return this;
  }

  /**
   * Checks the model's external resources (SAS tokens, certificates, secrets) before any instance
   * is touched; a problem stops the run before its first batch with the reasons and the recovery
   * steps. No preflight unless given.
   */
  public RollingUpgrade preflight(ExternalResourceCheck check) {
    wiring.preflight(check);
    return this;
  }

  /**
   * The batch and health rules; the scale set's {@code rollingUpgradePolicy} by default. Automatic
   * OS upgrades pass Azure's defaults here unless the set asks for its own rules
   * ({@code automaticOSUpgradePolicy.useRollingUpgradePolicy}).
   */
  public RollingUpgrade policy(RollingUpgradePolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Marks the run as one scale set's part of a multi-region rollout: the rollout resumes it after a
   * crash, so {@link RolloutRecovery#resumeAll()} leaves it alone.
   */
  public RollingUpgrade partOf(String rolloutId) {
    if (rolloutId == null || rolloutId.isBlank()) {
      throw new IllegalArgumentException("rolloutId must not be blank");
    }
    this.rollout = rolloutId;
    return this;
  }

  /** The image to upgrade to (OS image runs); the model's image by default. */
  public RollingUpgrade targetImage(ImageReference image) {
    this.targetImage = Objects.requireNonNull(image, "image");
    return this;
  }

  /**
   * What the run changes; {@link UpgradeKind#OS_IMAGE} by default. An extension run is set up
   * with {@link #targetExtension} instead.
   *
   * @throws IllegalArgumentException for {@link UpgradeKind#EXTENSION}: it needs the extension and version
   */
  public RollingUpgrade kind(UpgradeKind kind) {
    if (kind == UpgradeKind.EXTENSION) {
      throw new IllegalArgumentException("an extension run needs the extension and version: use "
          + "targetExtension(name, version) instead of kind(EXTENSION)");
    }
    this.kind = Objects.requireNonNull(kind, "kind");
    this.extension = null;
    return this;
  }

  /**
   * Makes this an extension run ({@link UpgradeKind#EXTENSION}): the model's extension
   * {@code name} goes to {@code version} on every instance that reports an earlier one; a failed
   * instance gets the model's {@code typeHandlerVersion} back. The platform may start one on a set
   * of any upgrade mode when the extension has {@code enableAutomaticUpgrade}.
   *
   * @throws IllegalArgumentException if the model has no extension {@code name} or the version is blank
   */
  public RollingUpgrade targetExtension(String name, String version) {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("the target version of extension " + name + " must not be blank");
    }
    Extension ext = scaleSet.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("scale set " + scaleSet.name() + " has no extension " + name
            + " in properties.virtualMachineProfile.extensionProfile.extensions (it has "
            + scaleSet.virtualMachineProfile().extensionProfile().extensions().stream().map(Extension::name).toList()
            + ")"));
    return targetExtension(TargetExtension.of(ext, version));
  }

  /**
   * {@link #targetExtension(String, String)} with the whole target: its {@code previousVersion} is
   * what a failed instance gets back.
   *
   * @throws IllegalArgumentException if the model has no extension of that name
   */
  public RollingUpgrade targetExtension(TargetExtension target) {
    boolean known = scaleSet.virtualMachineProfile().extensionProfile().extensions().stream()
        .anyMatch(e -> e.name().equals(target.name()));
    if (!known) {
      throw new IllegalArgumentException("scale set " + scaleSet.name() + " has no extension " + target.name()
          + " in properties.virtualMachineProfile.extensionProfile.extensions");
    }
    this.extension = target;
    this.kind = UpgradeKind.EXTENSION;
    return this;
  }

  /**
   * Who started the run (it goes into the history). It also sets whether failed instances are
   * rolled back, unless {@link #rollback(boolean)} says: {@code USER} (the default, a manual
   * trigger) does not; {@code PLATFORM} (an automatic upgrade) does, unless the automatic OS upgrade
   * policy's {@code disableAutomaticRollback} is set (OS image and model runs only).
   */
  public RollingUpgrade startedBy(UpgradeOperationInvoker startedBy) {
    this.startedBy = Objects.requireNonNull(startedBy, "startedBy");
    return this;
  }

  /**
   * Whether failed instances are rolled back, overriding the default that {@link #startedBy}
   * sets. A kind of run that cannot undo its change (a model run) never rolls back.
   */
  public RollingUpgrade rollback(boolean enabled) {
    this.rollback = enabled;
    return this;
  }

  /**
   * Which instances the run may touch and whether it rolls or goes at once; {@link RunScope#rolling()}
   * by default. The scope's batch policy replaces the rolling policy for an all-at-once scope.
   */
  public RollingUpgrade scope(RunScope scope) {
    this.scope = Objects.requireNonNull(scope, "scope");
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
   * Starts the run: claims it in the store, lists the instances, checks health (the pre-check)
   * and upgrades batch after batch, all through the scheduler. Returns at once.
   *
   * @throws IllegalStateException if driver, health or scheduler is missing, the run id is taken,
   *     or the upgrade mode does not let the platform start a run
   * @throws IllegalArgumentException if the health poll interval does not fit the health timeout
   */
  public RollingUpgradeRun start() {
    wiring.requireAll("a rolling upgrade");
    UpgradeMode mode = scaleSet.upgradePolicy().mode();
    boolean automaticOs = kind == UpgradeKind.OS_IMAGE
        && scaleSet.upgradePolicy().automaticOSUpgradePolicy().enableAutomaticOSUpgrade();
    boolean automaticExtension = extension != null && scaleSet.virtualMachineProfile().extensionProfile().extensions()
        .stream().anyMatch(e -> e.name().equals(extension.name()) && e.enableAutomaticUpgrade());
    // an Automatic set's platform run upgrades the whole set at once
    boolean automaticMode = mode == UpgradeMode.AUTOMATIC && scope.isWholeSetAtOnce();
    if (startedBy == UpgradeOperationInvoker.PLATFORM && mode != UpgradeMode.ROLLING && !automaticOs
        && !automaticExtension && !automaticMode) {
      throw new IllegalStateException("scale set " + scaleSet.name() + " has upgradePolicy.mode " + mode.azureName()
          + ": the platform never starts a rolling upgrade on it. Start one by hand (startedBy USER), set the "
          + "mode to Rolling, or enable automatic OS (or extension) upgrades to let the platform roll it");
    }
    var policy = scope.batchPolicy(Optional.ofNullable(this.policy).orElse(scaleSet.upgradePolicy()
        .rollingUpgradePolicy()));
    RunOptions options = wiring.options;
    Duration pollInterval = options.healthPollInterval(policy.healthTimeout());
    RolloutStore store = wiring.store;
    String owner = options.owner();
    String id = runId != null ? runId : freeRunId(store);
    if (!store.records(id).isEmpty()) {
      throw new IllegalStateException("run id " + id + " already has records in the store; resume it instead");
    }
    Lease lease = store.claim(id, owner, options.leaseDuration()).orElseThrow(() -> new IllegalStateException(
        "run id " + id + " is claimed by another owner in the store"));
    // disableAutomaticRollback is an OS-upgrade setting: automatic extension upgrades always roll back
    boolean rollsBack = Optional.ofNullable(rollback).orElse(startedBy != UpgradeOperationInvoker.USER
        && (extension != null || !scaleSet.upgradePolicy().automaticOSUpgradePolicy().disableAutomaticRollback()));
    boolean secrets = scaleSet.virtualMachineProfile().extensionProfile().extensions().stream()
        .anyMatch(e -> !e.protectedSettings().isEmpty());
    var settings = new RunEvent.RunStarted(scaleSet, kind, startedBy,
        Optional.ofNullable(targetImage).orElse(scaleSet.virtualMachineProfile().imageReference()), policy, rollsBack,
        secrets, options.callTimeout(), options.healthCallTimeout(), pollInterval, Optional.ofNullable(rollout),
        Optional.ofNullable(extension), scope);
    RunEngine engine = wiring.engine(settings, wiring.scheduler.now(), lease, 0);
    engine.start();
    return new RollingUpgradeRun(engine);
  }

  private String freeRunId(RolloutStore store) {
    String base = scaleSet.name() + "-" + wiring.scheduler.now().toEpochMilli();
    String id = base;
    for (int n = 2; !store.records(id).isEmpty(); n++) {
      id = base + "-" + n;
    }
    return id;
  }
}
