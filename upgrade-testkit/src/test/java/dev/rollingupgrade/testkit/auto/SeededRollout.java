package dev.rollingupgrade.testkit.auto;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.PhasePlan;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutBuilder;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.crash.SimulatedCrash;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A rollout over a seeded cloud of random regions, pairs, zones and scale sets, that can crash at
 * any journal record and be resumed from the store by a new {@link RolloutBuilder}, as a restarted
 * host would.
 */
final class SeededRollout {
  static final String ID = "release-2";
  static final ImageReference OLD = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1");
  static final ImageReference NEW = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.2");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final Map<String, ScaleSet> models = new LinkedHashMap<>();
  final Map<String, String> partner = new TreeMap<>();
  private RegionPairs pairs = RegionPairs.none();
  ImageRollout rollout;

  /**
   * Two to seven regions, most of them paired at random; one to three sets per region, each
   * regional or over one to three zones, of one to seven instances; one set in ten has an
   * instance that never becomes healthy.
   */
  SeededRollout(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> regions = new ArrayList<>();
    int regionCount = 2 + random.nextInt(6);
    for (int r = 0; r < regionCount; r++) {
      regions.add("region" + (char) ('a' + r));
    }
    Collections.shuffle(regions, new Random(random.nextLong()));
    for (int r = 0; r + 1 < regions.size(); r += 2) {
      if (random.nextInt(3) > 0) {
        pairs = pairs.with(regions.get(r), regions.get(r + 1));
        partner.put(regions.get(r), regions.get(r + 1));
        partner.put(regions.get(r + 1), regions.get(r));
      }
    }
    regions.sort(null);
    for (String region : regions) {
      int sets = 1 + random.nextInt(3);
      for (int s = 0; s < sets; s++) {
        String name = region + "-" + s;
        int zones = random.nextInt(4);
        int instances = 1 + random.nextInt(7);
        FakeFleet fleet = cloud.addScaleSet(name, region, f -> f.instances(instances).zones(zones).updateDomains(2)
            .image(OLD).seed(seed).latencyJitter(Duration.ofSeconds(30)));
        if (random.nextInt(10) == 0) {
          fleet.instances().get(random.nextInt(instances)).neverBecomesHealthy();
        }
        models.put(name, MultiRegionModels.model(name, region, zones, instances));
      }
    }
  }

  private RolloutBuilder builder(RolloutStore store) {
    return ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store).regionPairs(pairs)
        .models(models::get);
  }

  /** The phase plan of every set (a dry run). */
  PhasePlan planOnly() {
    RolloutBuilder b = builder(new InMemoryRolloutStore(SchedulerClock.of(clock)));
    models.values().forEach(m -> b.member(m, NEW));
    return b.plan();
  }

  /** Starts the rollout on {@code store} and runs until it ends or the host crashes; true when it crashed. */
  boolean start(RolloutStore store) {
    RolloutBuilder b = builder(store).rolloutId(ID);
    models.values().forEach(m -> b.member(m, NEW));
    rollout = b.start();
    return runOrCrash();
  }

  /** The host died: its rollout is dropped and a new host resumes it from {@code store} at the same instant. */
  void resume(RolloutStore store) {
    rollout.abandon();
    rollout = builder(store).resume(ID);
  }

  boolean runOrCrash() {
    try {
      clock.runUntilIdle();
      return false;
    } catch (SimulatedCrash crash) {
      return true;
    }
  }

  /** What the rollout left: its status without times, each set's instance images and OS-disk replacements. */
  String outcome() {
    RolloutStatus s = rollout.status();
    StringBuilder out = new StringBuilder(s.code() + " at phase " + s.phase() + s.error().map(e -> ": "
        + e.message().orElse("")).orElse(""));
    for (RolloutStatus.Member m : s.members()) {
      out.append('\n').append(m.scaleSetName()).append(' ').append(m.state());
      FakeFleet fleet = cloud.fleet(m.scaleSetName());
      for (FakeInstance i : fleet.instances()) {
        out.append(' ').append(i.id()).append('=').append(i.image().version().orElse("?"));
      }
    }
    return out.toString();
  }

  /** OS-disk replacements per instance, over every set (a replacement the driver rejected changed nothing). */
  Map<String, Integer> replacements() {
    Map<String, Integer> count = new TreeMap<>();
    for (FakeFleet fleet : cloud.fleets()) {
      fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK)
          .forEach(c -> count.merge(fleet.scaleSetName() + "/" + c.instanceId(), 1, Integer::sum));
    }
    return count;
  }

  List<String> names() {
    return new ArrayList<>(models.keySet());
  }
}
