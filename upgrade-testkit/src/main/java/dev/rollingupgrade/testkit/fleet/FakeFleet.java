package dev.rollingupgrade.testkit.fleet;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.GalleryImageVersion;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.ExtensionCatalog;
import dev.rollingupgrade.api.spi.HealthListener;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.ImageCatalog;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.ModelStore;
import dev.rollingupgrade.api.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * A fake scale set on virtual time: implements {@link InstanceDriver}, {@link HealthSignal} (with
 * push), {@link ImageCatalog} and {@link ExtensionCatalog}, with behaviour scripted per instance
 * ({@link #instance}), and
 * records every driver call and every health change for assertions.
 *
 * <p>By default instance {@code i} (id {@code "i"}) is in zone {@code (i mod Z) + 1} and update
 * domain {@code (i div Z) mod U}, healthy, running the fleet's image. An upgrade takes
 * {@code upgradeLatency}, during which the instance is {@code INITIALIZING}; it then runs the new
 * image and becomes healthy after {@code timeToHealthy}. A rollback takes {@code rollbackLatency}
 * and makes it healthy again on its previous image. Extensions the builder names are installed
 * on every instance and reported in {@code Instance.appliedExtensionVersions}; setting an
 * extension's version is an upgrade like the others (same latency and scripts), after which an
 * instance scripted with {@link FakeInstance#breaksWith} for that version stays unhealthy until
 * another version is set. Thread-safe; meant for a single-threaded
 * virtual scheduler, on which everything it does is deterministic.
 */
public final class FakeFleet implements InstanceDriver, HealthSignal, ImageCatalog, ExtensionCatalog, ModelStore {
  private final Scheduler scheduler;
  private final String scaleSetName;
  private final boolean pushesHealth;
  private final boolean recording;
  private final Map<String, FakeInstance> instances = new LinkedHashMap<>();
  private final List<DriverCall> calls = new ArrayList<>();
  private final List<HealthChange> healthChanges = new ArrayList<>();
  private final List<HealthListener> listeners = new ArrayList<>();
  private final Map<String, List<String>> platformVersions = new LinkedHashMap<>();
  private final Map<String, List<GalleryImageVersion>> galleryVersions = new LinkedHashMap<>();
  private final Map<String, List<String>> extensionVersions = new LinkedHashMap<>();
  private final FleetModel model = new FleetModel();
  private long healthReads;

  private FakeFleet(Builder b) {
    this.scheduler = b.scheduler;
    this.scaleSetName = b.scaleSetName;
    this.pushesHealth = b.pushesHealth;
    this.recording = b.recording;
    SplittableRandom random = new SplittableRandom(b.seed);
    int zones = Math.max(1, b.zones);
    String[] zoneNames = new String[zones]; // one String per zone, not per instance
    for (int z = 0; z < zones; z++) {
      zoneNames[z] = String.valueOf(z + 1);
    }
    for (int i = 0; i < b.instances; i++) {
      long jitter = b.latencyJitter.isZero() ? 0 : (long) (random.nextDouble() * b.latencyJitter.toMillis());
      FakeInstance instance = new FakeInstance(this, b.idPrefix + i, b.zones == 0 ? null : zoneNames[i % zones],
          (i / zones) % b.updateDomains, i % 3, b.image, b.upgradeLatency.plusMillis(jitter), b.timeToHealthy,
          b.rollbackLatency);
      if (random.nextDouble() < b.faultRate) {
        instance.neverHealthy = true;
      }
      instance.extensionVersions.putAll(b.extensions);
      instances.put(instance.id, instance);
    }
  }

  /** Starts building a fleet that lives on {@code scheduler}'s time. */
  public static Builder builder(Scheduler scheduler) {
    return new Builder(scheduler);
  }

  /** The script of one instance. */
  public FakeInstance instance(String instanceId) {
    synchronized (this) {
      FakeInstance instance = instances.get(instanceId);
      if (instance == null) {
        throw new IllegalArgumentException("no instance " + instanceId + " in fleet " + scaleSetName
            + " (ids are 0.." + (instances.size() - 1) + ")");
      }
      return instance;
    }
  }

  /** The scripts of every instance in a zone, to script them together ({@code fleet.zone("2").becomesUnhealthyAt(t)}). */
  public synchronized FakeInstances zone(String zone) {
    return new FakeInstances(instances.values().stream().filter(i -> Objects.equals(i.zone, zone)).collect(Collectors.toList()));
  }

  /** The scripts of every instance in an update domain. */
  public synchronized FakeInstances updateDomain(int updateDomain) {
    return new FakeInstances(instances.values().stream().filter(i -> i.updateDomain == updateDomain)
        .collect(Collectors.toList()));
  }

  /** The scripts of the given instances. */
  public synchronized FakeInstances instances(String... instanceIds) {
    List<FakeInstance> chosen = new ArrayList<>();
    for (String id : instanceIds) {
      chosen.add(instance(id));
    }
    return new FakeInstances(chosen);
  }

  /** Every instance, in id order. */
  public synchronized List<FakeInstance> instances() {
    return List.copyOf(instances.values());
  }

  /** The fleet's virtual time now. */
  public Instant now() {
    return scheduler.now();
  }

  /** The scale set's name. */
  public String scaleSetName() {
    return scaleSetName;
  }

  /** How many instances the fleet has. */
  public synchronized int size() {
    return instances.size();
  }

  /** Every call so far (driver, health signal, image catalog), in order. */
  public synchronized List<DriverCall> calls() {
    return List.copyOf(calls);
  }

  /** The driver calls that changed an instance (upgrades, rollbacks, ...; not rejected ones), in order. */
  public synchronized List<DriverCall> stateChangingCalls() {
    return calls.stream().filter(DriverCall::changedState).collect(Collectors.toList());
  }

  /** Every health change so far, in order. */
  public synchronized List<HealthChange> healthChanges() {
    return List.copyOf(healthChanges);
  }

  /** How many health changes happened so far. */
  public synchronized long healthChangeCount() {
    return healthChanges.size();
  }

  /** How many health reads were answered. */
  public synchronized long healthReads() {
    return healthReads;
  }

  /** Publishes platform image versions for a region (for the {@link ImageCatalog} side). */
  public synchronized FakeFleet publishPlatformVersions(String location, String... versions) {
    platformVersions.computeIfAbsent(location, k -> new ArrayList<>()).addAll(List.of(versions));
    return this;
  }

  /** Publishes versions of a gallery image definition. */
  public synchronized FakeFleet publishGalleryVersions(String galleryImageId, GalleryImageVersion... versions) {
    galleryVersions.computeIfAbsent(galleryImageId, k -> new ArrayList<>()).addAll(List.of(versions));
    return this;
  }

  /** Publishes versions of an extension ({@code publisher}/{@code type}) in a region. */
  public synchronized FakeFleet publishExtensionVersions(String location, String publisher, String type, String... versions) {
    extensionVersions.computeIfAbsent(location + " " + publisher + "/" + type, k -> new ArrayList<>()).addAll(List.of(versions));
    return this;
  }

  // ---- InstanceDriver ----

  @Override
  public synchronized CompletionStage<List<Instance>> listInstances(String scaleSet) {
    record(DriverCall.Kind.LIST_INSTANCES, "", scaleSet);
    List<Instance> list = new ArrayList<>(instances.size());
    instances.values().forEach(i -> list.add(describe(i)));
    return CompletableFuture.completedFuture(list);
  }

  @Override
  public synchronized CompletionStage<Instance> getInstance(String scaleSet, String instanceId) {
    record(DriverCall.Kind.GET_INSTANCE, instanceId, "");
    FakeInstance i = instances.get(instanceId);
    return i == null ? CompletableFuture.failedFuture(new IllegalArgumentException("no instance " + instanceId))
        : CompletableFuture.completedFuture(describe(i));
  }

  @Override
  public synchronized CompletionStage<Void> replaceOsDisk(String scaleSet, String instanceId, ImageReference image,
      List<Extension> extensionsInOrder) {
    if (!instances.containsKey(instanceId)) {
      return unknown(instanceId);
    }
    record(DriverCall.Kind.REPLACE_OS_DISK, instanceId, recording ? image.display() : "");
    return upgrade(instanceId, i -> {
      i.previousImage = i.image;
      i.image = image;
    });
  }

  @Override
  public synchronized CompletionStage<Void> applyLatestModel(String scaleSet, String instanceId) {
    if (!instances.containsKey(instanceId)) {
      return unknown(instanceId);
    }
    record(DriverCall.Kind.APPLY_LATEST_MODEL, instanceId, "");
    return upgrade(instanceId, model::applyTo);
  }

  /**
   * The model last {@link #put}; a fleet starts with none (put the scale set it stands for first).
   *
   * @return a stage that fails for another scale set's name, or before any model was put
   */
  @Override
  public synchronized CompletionStage<ScaleSet> get(String scaleSet) {
    record(DriverCall.Kind.GET_MODEL, "", scaleSet);
    Optional<ScaleSet> held = model.get().filter(m -> m.name().equals(scaleSet));
    return held.<CompletionStage<ScaleSet>>map(CompletableFuture::completedFuture).orElseGet(() ->
        CompletableFuture.failedFuture(new IllegalArgumentException("fake fleet " + scaleSetName + " holds no model of "
            + scaleSet + (model.get().isEmpty() ? ": put(scaleSet) one first" : ""))));
  }

  /**
   * Stores the model (the scale set's name must be the fleet's). When its virtual machine profile
   * changed, every instance reports {@code latestModelApplied=false}, and {@code applyLatestModel}
   * gives an instance the model's image and extension versions.
   */
  @Override
  public synchronized CompletionStage<Void> put(ScaleSet scaleSet) {
    if (!scaleSet.name().equals(scaleSetName)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("fake fleet " + scaleSetName
          + " cannot hold the model of scale set " + scaleSet.name()));
    }
    record(DriverCall.Kind.PUT_MODEL, "", scaleSet.name());
    if (model.put(scaleSet)) {
      instances.values().forEach(i -> i.latestModelApplied = false);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> restorePreviousOsDisk(String scaleSet, String instanceId) {
    if (!instances.containsKey(instanceId)) {
      return unknown(instanceId);
    }
    record(DriverCall.Kind.RESTORE_OS_DISK, instanceId, "");
    FakeInstance i = known(instanceId);
    CompletableFuture<Void> stage = begin(i);
    after(i.rollbackLatency, () -> {
      if (i.failsRollback) {
        end(i, stage, ProvisioningState.FAILED,
            new IllegalStateException("scripted: restoring the OS disk of " + instanceId + " fails"));
        return;
      }
      if (i.previousImage != null) {
        i.image = i.previousImage;
        i.previousImage = null;
      }
      setHealth(i, HealthState.HEALTHY);
      end(i, stage, ProvisioningState.SUCCEEDED, null);
    });
    return stage;
  }

  @Override
  public synchronized Optional<CompletionStage<Instance>> whenSettled(String scaleSet, String instanceId) {
    record(DriverCall.Kind.WHEN_SETTLED, instanceId, "");
    if (!instances.containsKey(instanceId)) {
      return Optional.of(unknown(instanceId));
    }
    FakeInstance i = known(instanceId);
    CompletableFuture<Void> running = i.operation == null ? CompletableFuture.completedFuture(null) : i.operation;
    return Optional.of(running.handle((ok, failure) -> {
      synchronized (this) {
        return describe(i);
      }
    }));
  }

  /** An operation starts: the instance is updating until {@link #end}. */
  private CompletableFuture<Void> begin(FakeInstance i) {
    CompletableFuture<Void> stage = new CompletableFuture<>();
    i.operation = stage;
    i.provisioning = ProvisioningState.UPDATING;
    return stage;
  }

  private void end(FakeInstance i, CompletableFuture<Void> stage, ProvisioningState outcome, Throwable failure) {
    i.provisioning = outcome;
    if (i.operation == stage) {
      i.operation = null;
    }
    if (failure == null) {
      stage.complete(null);
    } else {
      stage.completeExceptionally(failure);
    }
  }

  @Override
  public synchronized CompletionStage<Void> setExtensionVersion(String scaleSet, String instanceId, Extension extension,
      String version) {
    if (!instances.containsKey(instanceId)) {
      return unknown(instanceId);
    }
    record(DriverCall.Kind.SET_EXTENSION_VERSION, instanceId, extension.name() + "=" + version);
    return upgrade(instanceId, i -> i.extensionVersions.put(extension.name(), version));
  }

  private CompletionStage<Void> upgrade(String instanceId, java.util.function.Consumer<FakeInstance> change) {
    FakeInstance i = known(instanceId);
    if (i.throwsOnUpgrade) {
      if (recording) {
        DriverCall made = calls.remove(calls.size() - 1);
        calls.add(new DriverCall(made.time(), made.kind(), made.instanceId(), made.detail(), true));
      }
      throw new IllegalStateException("scripted: the upgrade call for " + instanceId + " throws");
    }
    CompletableFuture<Void> stage = begin(i);
    if (i.hangsOnUpgrade) {
      return stage; // never completes: the instance stays updating
    }
    setHealth(i, HealthState.INITIALIZING);
    after(i.upgradeLatency, () -> {
      if (i.failsUpgrade) {
        setHealth(i, HealthState.UNHEALTHY);
        end(i, stage, ProvisioningState.FAILED, new IllegalStateException("scripted: the upgrade of " + instanceId + " fails"));
        return;
      }
      change.accept(i);
      if (i.neverHealthy || i.brokenByExtension()) {
        setHealth(i, HealthState.UNHEALTHY);
      } else if (i.timeToHealthy.isZero()) {
        becomeHealthy(i);
      } else {
        after(i.timeToHealthy, () -> becomeHealthy(i));
      }
      end(i, stage, ProvisioningState.SUCCEEDED, null);
    });
    return stage;
  }

  private void becomeHealthy(FakeInstance i) {
    setHealth(i, HealthState.HEALTHY);
    for (int k = 1; k <= 2 * i.flaps; k++) {
      HealthState next = k % 2 == 1 ? HealthState.UNHEALTHY : HealthState.HEALTHY;
      after(i.flapPeriod.multipliedBy(k), () -> setHealth(i, next));
    }
  }

  // ---- HealthSignal ----

  @Override
  public synchronized CompletionStage<HealthState> health(String scaleSet, String instanceId) {
    record(DriverCall.Kind.HEALTH, instanceId, "");
    if (!instances.containsKey(instanceId)) {
      return unknown(instanceId);
    }
    FakeInstance i = known(instanceId);
    if (i.healthCallThrows) {
      throw new IllegalStateException("scripted: the health call for " + instanceId + " throws");
    }
    if (i.healthCallHangs) {
      return new CompletableFuture<>();
    }
    healthReads++;
    return CompletableFuture.completedFuture(i.health);
  }

  @Override
  public synchronized Optional<Cancellable> subscribe(String scaleSet, HealthListener listener) {
    record(DriverCall.Kind.SUBSCRIBE, "", scaleSet);
    if (!pushesHealth) {
      return Optional.empty();
    }
    listeners.add(listener);
    return Optional.of(() -> {
      synchronized (FakeFleet.this) {
        listeners.remove(listener);
      }
    });
  }

  // ---- ImageCatalog ----

  @Override
  public synchronized CompletionStage<List<String>> platformImageVersions(String location, String publisher, String offer,
      String sku) {
    record(DriverCall.Kind.PLATFORM_IMAGE_VERSIONS, "", location + " " + publisher + ":" + offer + ":" + sku);
    return CompletableFuture.completedFuture(List.copyOf(platformVersions.getOrDefault(location, List.of())));
  }

  @Override
  public synchronized CompletionStage<List<GalleryImageVersion>> galleryImageVersions(String galleryImageId) {
    record(DriverCall.Kind.GALLERY_IMAGE_VERSIONS, "", galleryImageId);
    return CompletableFuture.completedFuture(List.copyOf(galleryVersions.getOrDefault(galleryImageId, List.of())));
  }

  // ---- ExtensionCatalog ----

  @Override
  public synchronized CompletionStage<List<String>> versions(String location, String publisher, String type) {
    String key = location + " " + publisher + "/" + type;
    record(DriverCall.Kind.EXTENSION_VERSIONS, "", key);
    return CompletableFuture.completedFuture(List.copyOf(extensionVersions.getOrDefault(key, List.of())));
  }

  // ---- internals ----

  void setHealth(FakeInstance i, HealthState state) {
    HealthState effective = i.down ? HealthState.UNHEALTHY : state;
    if (i.health == effective) {
      return;
    }
    i.health = effective;
    if (recording) {
      healthChanges.add(new HealthChange(healthChanges.size(), scheduler.now(), i.id, effective));
    }
    for (HealthListener listener : List.copyOf(listeners)) {
      listener.onHealthChanged(i.id, effective);
    }
  }

  /** Runs {@code action} under the fleet's lock at {@code time} (now if it is past). */
  void at(Instant time, Runnable action) {
    Duration delay = Duration.between(scheduler.now(), time);
    after(delay.isNegative() ? Duration.ZERO : delay, action);
  }

  private void after(Duration delay, Runnable action) {
    if (delay.isZero()) {
      action.run(); // an instant answer: no task to schedule (callers hold the lock)
      return;
    }
    scheduler.schedule(delay, () -> {
      synchronized (this) {
        action.run();
      }
    });
  }

  private <T> CompletableFuture<T> unknown(String instanceId) {
    return CompletableFuture.failedFuture(new IllegalArgumentException("no instance " + instanceId + " in fleet " + scaleSetName));
  }

  private FakeInstance known(String instanceId) {
    FakeInstance i = instances.get(instanceId);
    if (i == null) {
      throw new IllegalArgumentException("no instance " + instanceId + " in fleet " + scaleSetName);
    }
    return i;
  }

  private void record(DriverCall.Kind kind, String instanceId, String detail) {
    if (!recording) {
      return;
    }
    calls.add(new DriverCall(scheduler.now(), kind, instanceId, detail, false));
  }

  private Instance describe(FakeInstance i) {
    var b = Instance.builder().instanceId(i.id).platformUpdateDomain(i.updateDomain).platformFaultDomain(i.faultDomain)
        .appliedImage(i.image).latestModelApplied(i.latestModelApplied)
        .protectFromScaleSetActions(i.protectedFromScaleSetActions).provisioningState(i.provisioning)
        .appliedExtensionVersions(i.extensionVersions);
    if (i.zone != null) {
      b.zone(i.zone);
    }
    return b.build();
  }

  /** Configures a {@link FakeFleet}. Not thread-safe. */
  public static final class Builder {
    private final Scheduler scheduler;
    private String scaleSetName = "vmss";
    private int instances = 10;
    private int zones = 1;
    private int updateDomains = 5;
    private ImageReference image = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202401010");
    private Duration upgradeLatency = Duration.ofMinutes(1);
    private Duration timeToHealthy = Duration.ofSeconds(30);
    private Duration rollbackLatency = Duration.ofMinutes(1);
    private Duration latencyJitter = Duration.ZERO;
    private long seed;
    private double faultRate;
    private boolean pushesHealth = true;
    private String idPrefix = "";
    private boolean recording = true;
    private final Map<String, String> extensions = new TreeMap<>();

    private Builder(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The scale set's name; default {@code vmss}. */
    public Builder scaleSetName(String name) {
      this.scaleSetName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Instance ids are this prefix and the instance's number, e.g. {@code vm-} gives {@code vm-0, vm-1, ...}; default none. */
    public Builder idPrefix(String prefix) {
      this.idPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** Number of instances, 0 or more; default 10. */
    public Builder instances(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("instances must be 0 or more, got " + count);
      }
      this.instances = count;
      return this;
    }

    /** Number of zones, 0 (regional) to 99; default 1. */
    public Builder zones(int count) {
      if (count < 0 || count > 99) {
        throw new IllegalArgumentException("zones must be between 0 and 99, got " + count);
      }
      this.zones = count;
      return this;
    }

    /** Number of update domains, 1 or more; default 5. */
    public Builder updateDomains(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("updateDomains must be 1 or more, got " + count);
      }
      this.updateDomains = count;
      return this;
    }

    /** The image every instance runs at the start. */
    public Builder image(ImageReference image) {
      this.image = Objects.requireNonNull(image, "image");
      return this;
    }

    /** How long an upgrade call takes; default 1 minute. */
    public Builder upgradeLatency(Duration latency) {
      this.upgradeLatency = Objects.requireNonNull(latency, "latency");
      return this;
    }

    /** How long an upgraded instance initializes before it is healthy; default 30 seconds. */
    public Builder timeToHealthy(Duration time) {
      this.timeToHealthy = Objects.requireNonNull(time, "time");
      return this;
    }

    /** Every instance has extension {@code name} installed at {@code version} (reported in {@code Instance}); default none. */
    public Builder extension(String name, String version) {
      extensions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(version, "version"));
      return this;
    }

    /** How long restoring the previous OS disk takes; default 1 minute. */
    public Builder rollbackLatency(Duration latency) {
      this.rollbackLatency = Objects.requireNonNull(latency, "latency");
      return this;
    }

    /** Adds a seeded random extra of up to {@code jitter} to each instance's upgrade latency; default none. */
    public Builder latencyJitter(Duration jitter) {
      this.latencyJitter = Objects.requireNonNull(jitter, "jitter");
      return this;
    }

    /** Seed of the fleet's randomness (fault choice, jitter); default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Share of instances, chosen by the seed, that never become healthy after an upgrade; 0..1, default 0. */
    public Builder faultRate(double rate) {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("faultRate must be between 0 and 1, got " + rate);
      }
      this.faultRate = rate;
      return this;
    }

    /** Whether health changes are pushed to subscribers (else the SDK polls); default true. */
    public Builder pushesHealth(boolean push) {
      this.pushesHealth = push;
      return this;
    }

    /**
     * Whether every call and health change is recorded (default true). Off for benchmarks of huge
     * fleets, where the records would outweigh the fleet; {@code calls()} and {@code healthChanges()}
     * then stay empty and the invariant checker cannot be used.
     */
    public Builder recording(boolean record) {
      this.recording = record;
      return this;
    }

    /** The fleet. */
    public FakeFleet build() {
      return new FakeFleet(this);
    }
  }
}
