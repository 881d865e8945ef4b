package dev.rollingupgrade.testkit.sim;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.AutomaticUpgradeTiming;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-region story of automatic OS upgrades, on virtual time: six regions in three geo
 * pairs, two scale sets per region over three zones, automatic OS upgrades on for all. A first
 * image release rolls out phase by phase; then a second release breaks health in one region
 * ({@code failingRegion}), and its rollout stops at that region's phase with later phases
 * untouched. The sizes make one region the canary of phase 1 and the failing region the smallest
 * of phase 2. Deterministic for a seed.
 */
public final class MultiRegionSimulation {
  /** The platform image every set follows. */
  public static final ImageReference IMAGE = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS",
      "latest");
  /** The version the fleets run at the start. */
  public static final String START_VERSION = "18.04.202401010";
  /** The first release. */
  public static final String FIRST_RELEASE = "18.04.202402010";
  /** The second release, which breaks health in the failing region. */
  public static final String SECOND_RELEASE = "18.04.202403010";

  private static final List<String[]> PAIRS = List.of(new String[] {"eastus", "westus"},
      new String[] {"northeurope", "westeurope"}, new String[] {"japaneast", "japanwest"});

  private final long seed;
  private final String failingRegion;

  private MultiRegionSimulation(long seed, String failingRegion) {
    this.seed = seed;
    this.failingRegion = failingRegion;
  }

  /** The story with {@code seed}; health breaks in {@code failingRegion} on the second release. */
  public static MultiRegionSimulation of(long seed, String failingRegion) {
    return new MultiRegionSimulation(seed, failingRegion);
  }

  /** Plays both releases. */
  public Result run() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock);
    InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
    List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
    Map<String, Object> pairs = new LinkedHashMap<>();
    RegionPairs regionPairs = RegionPairs.none();
    List<ScaleSet> sets = new ArrayList<>();
    String partner = PAIRS.stream().filter(p -> List.of(p).contains(failingRegion)).findFirst()
        .map(p -> p[0].equals(failingRegion) ? p[1] : p[0]).orElse("");
    String canary = PAIRS.stream().flatMap(p -> java.util.Arrays.stream(p))
        .filter(x -> !x.equals(failingRegion) && !x.equals(partner)).findFirst().orElseThrow();
    int r = 0;
    for (String[] pair : PAIRS) {
      regionPairs = regionPairs.with(pair[0], pair[1]);
      pairs.put(pair[0], pair[1]);
      for (String region : pair) {
        for (String suffix : List.of("web", "api")) {
          String name = region + "-" + suffix;
          // the smallest region is the canary, the failing one next: its fault stops phase 2, phase 3 untouched
          int instances = region.equals(canary) ? 3 : region.equals(failingRegion) ? 4
              : 6 + (int) Math.floorMod(seed + r * 7L + suffix.length(), 4L) * 2;
          cloud.addScaleSet(name, region, f -> f.instances(instances).zones(3).updateDomains(2)
              .image(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", START_VERSION)).seed(seed));
          sets.add(model(name, region, instances));
        }
        r++;
        cloud.publishPlatformVersions(region, IMAGE, START_VERSION);
      }
    }
    AutomaticOsUpgrades service = AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)
            .regionPairs(regionPairs).listener(events::add))
        .timing(AutomaticUpgradeTiming.defaults().withSeed(seed))
        .build();
    sets.forEach(service::enable);
    // release 1 everywhere
    for (String[] pair : PAIRS) {
      for (String region : pair) {
        cloud.publishPlatformVersions(region, IMAGE, FIRST_RELEASE);
      }
    }
    RolloutStatus first = awaitRollout(clock, service, 1);
    // release 2 breaks health in one region
    cloud.fleets().stream().filter(f -> cloud.regionOf(f.scaleSetName()).equals(failingRegion))
        .forEach(f -> f.instances().forEach(i -> i.neverBecomesHealthy()));
    for (String[] pair : PAIRS) {
      for (String region : pair) {
        cloud.publishPlatformVersions(region, IMAGE, SECOND_RELEASE);
      }
    }
    RolloutStatus second = awaitRollout(clock, service, 2);
    service.close();
    List<String> upgrades = cloud.upgrades().stream().map(u -> u.scaleSet() + "/" + u.instanceId()).toList();
    return new Result(first, second, cloud, digest(first, second, upgrades));
  }

  private static RolloutStatus awaitRollout(VirtualScheduler clock, AutomaticOsUpgrades service, int count) {
    for (int minutes = 0; minutes < 48 * 60; minutes++) {
      List<ImageRollout> rollouts = service.rollouts();
      if (rollouts.size() >= count && rollouts.get(count - 1).isFinished()) {
        return rollouts.get(count - 1).status();
      }
      clock.advanceBy(Duration.ofMinutes(1));
    }
    throw new IllegalStateException("rollout " + count + " did not end within 48 virtual hours");
  }

  /** A set following {@link #IMAGE} with automatic OS upgrades and a health probe. */
  static ScaleSet model(String name, String region, int instances) {
    return ScaleSet.builder().name(name).location(region).zones(List.of("1", "2", "3")).capacity(instances)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(IMAGE)
            .healthProbe(HealthProbeReference.of("/subscriptions/sim/providers/Microsoft.Network/loadBalancers/lb-"
                + region + "/probes/http"))
            .build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true).build())
            .build())
        .build();
  }

  private static String digest(RolloutStatus first, RolloutStatus second, List<String> upgrades) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (RolloutStatus s : List.of(first, second)) {
        sha.update((s.code() + " " + s.phase() + " " + s.endTime().map(Object::toString).orElse("")).getBytes(
            StandardCharsets.UTF_8));
        s.members().forEach(m -> sha.update(("\n" + m.scaleSetName() + " " + m.state()).getBytes(StandardCharsets.UTF_8)));
      }
      upgrades.forEach(u -> sha.update(("\n" + u).getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * What the story produced.
   *
   * @param first the first release's rollout, at its end
   * @param second the second release's rollout, at its end
   * @param cloud the fake cloud, with every upgrade it saw
   * @param digest SHA-256 (hex) over both outcomes and every upgrade in order
   */
  public record Result(RolloutStatus first, RolloutStatus second, FakeCloud cloud, String digest) {}
}
