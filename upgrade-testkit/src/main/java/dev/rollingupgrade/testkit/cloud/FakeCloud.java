package dev.rollingupgrade.testkit.cloud;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.GalleryImageVersion;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.ExtensionCatalog;
import dev.rollingupgrade.api.spi.HealthListener;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.ImageCatalog;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Many fake scale sets in many regions on one virtual time, behind one {@link InstanceDriver},
 * {@link HealthSignal}, {@link ImageCatalog} and {@link ExtensionCatalog}: each call goes to the {@link FakeFleet} named by
 * its {@code scaleSet} argument (an unknown name fails the call). The catalog holds platform image
 * versions per region and Compute Gallery image versions with their regions, and can be scripted
 * to fail. Every OS-disk replacement and extension version change is recorded as an
 * {@link Upgrade} interval (call to completion) with its region, zone and update domain, so tests
 * can check what was in flight together.
 *
 * <pre>{@code
 * FakeCloud cloud = FakeCloud.on(scheduler);
 * cloud.addScaleSet("web-eu", "westeurope", f -> f.instances(10).zones(3).image(image));
 * cloud.publishPlatformVersions("westeurope", image, "24.04.202402010");
 * }</pre>
 *
 * <p>Thread-safe; meant for a single-threaded virtual scheduler, on which it is deterministic.
 */
public final class FakeCloud implements InstanceDriver, HealthSignal, ImageCatalog, ExtensionCatalog {
  private final Scheduler scheduler;
  private final Map<String, FakeFleet> fleets = new TreeMap<>();
  private final Map<String, String> regions = new TreeMap<>();
  private final Map<String, List<String>> platformVersions = new TreeMap<>();
  private final Map<String, List<GalleryImageVersion>> galleryVersions = new TreeMap<>();
  private final Map<String, List<String>> extensionVersions = new TreeMap<>();
  private final List<Upgrade> upgrades = new ArrayList<>();
  private int failingCatalogCalls;
  private long catalogCalls;

  private FakeCloud(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** An empty cloud on {@code scheduler}'s time. */
  public static FakeCloud on(Scheduler scheduler) {
    return new FakeCloud(scheduler);
  }

  /**
   * Adds a scale set in {@code region}, built by {@code options} (instances, zones, image, latency,
   * ...); its name is {@code name} whatever the options say.
   *
   * @throws IllegalArgumentException if the name is taken
   */
  public synchronized FakeFleet addScaleSet(String name, String region, Consumer<FakeFleet.Builder> options) {
    if (fleets.containsKey(name)) {
      throw new IllegalArgumentException("scale set " + name + " is already in the cloud");
    }
    FakeFleet.Builder b = FakeFleet.builder(scheduler);
    options.accept(b);
    FakeFleet fleet = b.scaleSetName(name).build();
    fleets.put(name, fleet);
    regions.put(name, Objects.requireNonNull(region, "region"));
    return fleet;
  }

  /** The fleet of scale set {@code name}. */
  public synchronized FakeFleet fleet(String name) {
    FakeFleet f = fleets.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no scale set " + name + " in the cloud " + fleets.keySet());
    }
    return f;
  }

  /** Every fleet, by scale set name. */
  public synchronized List<FakeFleet> fleets() {
    return List.copyOf(fleets.values());
  }

  /** The region of scale set {@code name}. */
  public synchronized String regionOf(String name) {
    fleet(name);
    return regions.get(name);
  }

  /** Publishes versions of the platform image {@code image} (publisher, offer, SKU) in {@code region}. */
  public synchronized FakeCloud publishPlatformVersions(String region, ImageReference image, String... versions) {
    platformVersions.computeIfAbsent(platformKey(region, image.publisher().orElse(""), image.offer().orElse(""),
        image.sku().orElse("")), k -> new ArrayList<>()).addAll(List.of(versions));
    return this;
  }

  /** Publishes a version of the gallery image definition {@code galleryImageId}, with its regions. */
  public synchronized FakeCloud publishGalleryVersion(String galleryImageId, GalleryImageVersion version) {
    galleryVersions.computeIfAbsent(galleryImageId.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(version);
    return this;
  }

  /** Publishes versions of the extension {@code publisher}/{@code type} in {@code region}. */
  public synchronized FakeCloud publishExtensionVersions(String region, String publisher, String type,
      String... versions) {
    extensionVersions.computeIfAbsent(platformKey(region, publisher, type, ""), k -> new ArrayList<>())
        .addAll(List.of(versions));
    return this;
  }

  /** The next {@code count} catalog calls (images and extensions) fail (a catalog outage). */
  public synchronized FakeCloud failCatalogCalls(int count) {
    failingCatalogCalls = count;
    return this;
  }

  /** How many catalog calls were made. */
  public synchronized long catalogCalls() {
    return catalogCalls;
  }

  /** Every OS-disk replacement and extension version change so far, in call order. */
  public synchronized List<Upgrade> upgrades() {
    return List.copyOf(upgrades);
  }

  // ---- InstanceDriver, HealthSignal: to the fleet named by the call ----

  @Override
  public CompletionStage<List<Instance>> listInstances(String scaleSet) {
    return route(scaleSet).map(f -> f.listInstances(scaleSet)).orElseGet(() -> unknown(scaleSet));
  }

  @Override
  public CompletionStage<Instance> getInstance(String scaleSet, String instanceId) {
    return route(scaleSet).map(f -> f.getInstance(scaleSet, instanceId)).orElseGet(() -> unknown(scaleSet));
  }

  @Override
  public CompletionStage<Void> replaceOsDisk(String scaleSet, String instanceId, ImageReference image,
      List<Extension> extensionsInOrder) {
    return recorded(scaleSet, instanceId, "replaceOsDisk", f -> f.replaceOsDisk(scaleSet, instanceId, image,
        extensionsInOrder));
  }

  /** Routes a state-changing call to its fleet and records it as an {@link Upgrade} interval. */
  private CompletionStage<Void> recorded(String scaleSet, String instanceId, String call,
      java.util.function.Function<FakeFleet, CompletionStage<Void>> make) {
    Optional<FakeFleet> fleet = route(scaleSet);
    if (fleet.isEmpty()) {
      return unknown(scaleSet);
    }
    Optional<String> zone;
    int updateDomain;
    try {
      zone = fleet.get().instance(instanceId).zone();
      updateDomain = fleet.get().instance(instanceId).updateDomain();
    } catch (IllegalArgumentException unknownInstance) {
      zone = Optional.empty(); // the fleet's own answer says the instance does not exist
      updateDomain = -1;
    }
    Upgrade upgrade = new Upgrade(scaleSet, regionOf(scaleSet), zone, updateDomain, instanceId, call, scheduler.now());
    synchronized (this) {
      upgrades.add(upgrade);
    }
    CompletionStage<Void> stage = make.apply(fleet.get());
    stage.whenComplete((ok, failure) -> upgrade.end = scheduler.now());
    return stage;
  }

  @Override
  public CompletionStage<Void> restorePreviousOsDisk(String scaleSet, String instanceId) {
    return route(scaleSet).map(f -> f.restorePreviousOsDisk(scaleSet, instanceId)).orElseGet(() -> unknown(scaleSet));
  }

  @Override
  public CompletionStage<Void> setExtensionVersion(String scaleSet, String instanceId, Extension extension,
      String version) {
    return recorded(scaleSet, instanceId, "setExtensionVersion(" + extension.name() + "=" + version + ")",
        f -> f.setExtensionVersion(scaleSet, instanceId, extension, version));
  }

  @Override
  public CompletionStage<Void> applyLatestModel(String scaleSet, String instanceId) {
    return route(scaleSet).map(f -> f.applyLatestModel(scaleSet, instanceId)).orElseGet(() -> unknown(scaleSet));
  }

  @Override
  public Optional<CompletionStage<Instance>> whenSettled(String scaleSet, String instanceId) {
    return route(scaleSet).map(f -> f.whenSettled(scaleSet, instanceId))
        .orElseGet(() -> Optional.of(unknown(scaleSet)));
  }

  @Override
  public CompletionStage<HealthState> health(String scaleSet, String instanceId) {
    return route(scaleSet).map(f -> f.health(scaleSet, instanceId)).orElseGet(() -> unknown(scaleSet));
  }

  @Override
  public Optional<Cancellable> subscribe(String scaleSet, HealthListener listener) {
    return route(scaleSet).flatMap(f -> f.subscribe(scaleSet, listener));
  }

  // ---- ImageCatalog ----

  @Override
  public synchronized CompletionStage<List<String>> platformImageVersions(String location, String publisher,
      String offer, String sku) {
    return answer(() -> List.copyOf(platformVersions.getOrDefault(platformKey(location, publisher, offer, sku),
        List.of())), "platformImageVersions(" + location + ")");
  }

  @Override
  public synchronized CompletionStage<List<GalleryImageVersion>> galleryImageVersions(String galleryImageId) {
    return answer(() -> List.copyOf(galleryVersions.getOrDefault(galleryImageId.toLowerCase(Locale.ROOT), List.of())),
        "galleryImageVersions");
  }

  @Override
  public synchronized CompletionStage<List<String>> versions(String location, String publisher, String type) {
    return answer(() -> List.copyOf(extensionVersions.getOrDefault(platformKey(location, publisher, type, ""),
        List.of())), "extension versions(" + location + ")");
  }

  private <T> CompletionStage<T> answer(java.util.function.Supplier<T> value, String what) {
    catalogCalls++;
    if (failingCatalogCalls > 0) {
      failingCatalogCalls--;
      return CompletableFuture.failedFuture(new IllegalStateException("scripted: the image catalog is unavailable ("
          + what + ")"));
    }
    return CompletableFuture.completedFuture(value.get());
  }

  private synchronized Optional<FakeFleet> route(String scaleSet) {
    return Optional.ofNullable(fleets.get(scaleSet));
  }

  private <T> CompletionStage<T> unknown(String scaleSet) {
    return CompletableFuture.failedFuture(new IllegalArgumentException("no scale set " + scaleSet + " in the cloud"));
  }

  private static String platformKey(String region, String publisher, String offer, String sku) {
    return (region + " " + publisher + ":" + offer + ":" + sku).toLowerCase(Locale.ROOT);
  }

  /**
   * One OS-disk replacement or extension version change: which set, region, zone and update
   * domain, from the call to its completion ({@code end} is empty while it runs).
   */
  public static final class Upgrade {
    private final String scaleSet;
    private final String region;
    private final Optional<String> zone;
    private final int updateDomain;
    private final String instanceId;
    private final String call;
    private final Instant start;
    private volatile Instant end;

    Upgrade(String scaleSet, String region, Optional<String> zone, int updateDomain, String instanceId, String call,
        Instant start) {
      this.scaleSet = scaleSet;
      this.region = region;
      this.zone = zone;
      this.updateDomain = updateDomain;
      this.instanceId = instanceId;
      this.call = call;
      this.start = start;
    }

    /** The instance's update domain ({@code -1} for an instance the fleet does not know). */
    public int updateDomain() {
      return updateDomain;
    }

    /** The call: {@code replaceOsDisk} or {@code setExtensionVersion(<name>=<version>)}. */
    public String call() {
      return call;
    }

    /** The scale set. */
    public String scaleSet() {
      return scaleSet;
    }

    /** Its region. */
    public String region() {
      return region;
    }

    /** The instance's zone; empty for a regional instance. */
    public Optional<String> zone() {
      return zone;
    }

    /** The instance. */
    public String instanceId() {
      return instanceId;
    }

    /** When the driver was called. */
    public Instant start() {
      return start;
    }

    /** When the call completed; empty while it runs. */
    public Optional<Instant> end() {
      return Optional.ofNullable(end);
    }

    /** Whether this and {@code other} were in flight at the same time. */
    public boolean overlaps(Upgrade other) {
      Instant myEnd = end().orElse(Instant.MAX);
      Instant theirEnd = other.end().orElse(Instant.MAX);
      return start.isBefore(theirEnd) && other.start.isBefore(myEnd);
    }

    @Override
    public String toString() {
      return call + " " + scaleSet + "/" + instanceId + " (" + region + zone.map(z -> " zone " + z).orElse("") + ", UD "
          + updateDomain + ") " + start + ".."
          + end().map(Instant::toString).orElse("");
    }
  }
}
