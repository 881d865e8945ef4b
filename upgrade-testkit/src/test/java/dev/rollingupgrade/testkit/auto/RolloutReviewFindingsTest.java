package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.GalleryImageVersion;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 11 review: each finding about rollouts and the automatic OS upgrade service, as a scenario. */
class RolloutReviewFindingsTest {
  static final ImageReference V1 = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1");
  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));

  AutomaticOsUpgrades service(RolloutStore on, InstanceDriver driver) {
    return AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(driver).health(cloud).scheduler(clock).store(on)).build();
  }

  Map<String, Integer> replacements() {
    Map<String, Integer> n = new TreeMap<>();
    for (FakeFleet f : cloud.fleets()) {
      f.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK)
          .forEach(c -> n.merge(f.scaleSetName() + "/" + c.instanceId(), 1, Integer::sum));
    }
    return n;
  }

  /** A store whose first renewal of any rollout's lease fails. */
  static RolloutStore renewFailsOnce(RolloutStore delegate) {
    AtomicInteger failures = new AtomicInteger();
    return (RolloutStore) Proxy.newProxyInstance(RolloutStore.class.getClassLoader(), new Class<?>[] {RolloutStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("renew") && !((Lease) args[0]).runId().contains("/")
              && failures.getAndIncrement() == 0) {
            throw new IllegalStateException("scripted: the store is busy");
          }
          try {
            return method.invoke(delegate, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void oneFailedLeaseRenewalNeitherStopsTheRolloutNorUpgradesAnInstanceTwice() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).image(V1).upgradeLatency(Duration.ofMinutes(20)));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    AutomaticOsUpgrades auto = service(renewFailsOnce(store), cloud);
    auto.enable(MultiRegionModels.model("web", "westeurope", 1, 10));
    clock.advanceBy(Duration.ofHours(12));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).status().code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(replacements()).hasSize(10).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    assertThat(store.unfinishedRuns()).isEmpty();
  }

  @Test
  void aSetWhoseVersionCannotBeListedIsNotRolledUntilItIsAndNeverDowngraded() {
    String gallery = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/gal/images/web";
    cloud.addScaleSet("web", "westeurope", f -> f.instances(4).zones(1)
        .image(ImageReference.ofId(gallery + "/versions/3.0.0")));
    cloud.publishGalleryVersion(gallery, GalleryImageVersion.builder().version("2.0.0").addTargetRegions("westeurope")
        .build());
    cloud.publishGalleryVersion(gallery, GalleryImageVersion.builder().version("3.0.0").addTargetRegions("westeurope")
        .excludeFromLatest(true).build());
    AtomicInteger listings = new AtomicInteger();
    InstanceDriver throttledOnce = (InstanceDriver) Proxy.newProxyInstance(InstanceDriver.class.getClassLoader(),
        new Class<?>[] {InstanceDriver.class}, (proxy, method, args) -> {
          if (method.getName().equals("listInstances") && listings.getAndIncrement() == 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("scripted: throttled"));
          }
          try {
            return method.invoke(cloud, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    AutomaticOsUpgrades auto = service(store, throttledOnce);
    ScaleSet model = ScaleSet.builder().from(MultiRegionModels.model("web", "westeurope", 1, 4))
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(ImageReference.ofId(gallery))
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build()).build();
    auto.enable(model);
    clock.advanceBy(Duration.ofHours(6));
    assertThat(listings.get()).isGreaterThan(1); // asked again
    assertThat(auto.rollouts()).isEmpty();
    assertThat(cloud.upgrades()).isEmpty();
  }

  @Test
  void recoveringAUserStartedRolloutLeavesLaterAutomaticRolloutsAutomatic() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(4).zones(1).image(V1).upgradeLatency(Duration.ofMinutes(10)));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1");
    ScaleSet model = MultiRegionModels.model("web", "westeurope", 1, 4);
    ImageRollout byUser = ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)
        .startedBy(UpgradeOperationInvoker.USER).member(model, ImageReference.platform("Canonical", "UbuntuServer",
            "18.04-LTS", "18.04.2")).start();
    clock.advanceBy(Duration.ofMinutes(5));
    byUser.abandon(); // its host goes away

    AutomaticOsUpgrades auto = service(store, cloud);
    auto.enable(model);
    assertThat(auto.recover()).hasSize(1);
    clock.advanceBy(Duration.ofHours(2));
    assertThat(auto.rollouts().get(0).status().code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.2", "18.04.3");
    clock.advanceBy(Duration.ofHours(2));
    assertThat(auto.rollouts()).hasSize(2);
    var automatic = auto.rollouts().get(1).run("web").orElseThrow();
    assertThat(automatic.startedBy()).isEqualTo(UpgradeOperationInvoker.PLATFORM);
    assertThat(automatic.rollsBack()).isTrue();
  }

  @Test
  void aRolloutStillHeldByAnotherHostIsRetriedAndItsSetsAreNotRolledTwice() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(6).zones(1).image(V1).upgradeLatency(Duration.ofMinutes(10)));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    ScaleSet model = MultiRegionModels.model("web", "westeurope", 1, 6);
    AutomaticOsUpgrades first = service(store, cloud);
    first.enable(model);
    while (cloud.upgrades().isEmpty()) {
      clock.advanceBy(Duration.ofMinutes(1));
    }
    first.close(); // the first host stops watching; its rollout goes on and holds its lease

    AutomaticOsUpgrades second = service(store, cloud);
    second.enable(model);
    assertThat(second.recover()).isEmpty(); // held: tried again later
    clock.advanceBy(Duration.ofHours(6));
    assertThat(first.rollouts().get(0).status().code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(second.rollouts()).hasSize(1); // it took the finished rollout over instead of starting its own
    assertThat(second.rollouts().get(0).rolloutId()).isEqualTo(first.rollouts().get(0).rolloutId());
    assertThat(replacements()).hasSize(6).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
  }

  @Test
  void aRolloutNeverPutsTwoZonesInFlightEvenWhenTheSetsPolicyAllowsCrossZoneBatches() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(9).zones(3).image(V1));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    ScaleSet plain = MultiRegionModels.model("web", "westeurope", 3, 9);
    ScaleSet crossZone = ScaleSet.builder().from(plain).upgradePolicy(UpgradePolicy.builder().from(plain.upgradePolicy())
        .rollingUpgradePolicy(RollingUpgradePolicy.builder().enableCrossZoneUpgrade(true).maxBatchInstancePercent(50)
            .maxUnhealthyInstancePercent(50)
            .build())
        .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true)
            .useRollingUpgradePolicy(true).build()).build()).build();
    AutomaticOsUpgrades auto = service(store, cloud);
    auto.enable(crossZone);
    clock.advanceBy(Duration.ofHours(6));
    assertThat(auto.rollouts().get(0).status().code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    for (FakeCloud.Upgrade a : cloud.upgrades()) {
      for (FakeCloud.Upgrade b : cloud.upgrades()) {
        if (!a.zone().equals(b.zone())) {
          assertThat(a.overlaps(b)).as("%s and %s", a, b).isFalse();
        }
      }
    }
  }

  @Test
  void aPreviewVersionIsNeverLatestAndDoesNotBlockLaterReleases() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(3).zones(1).image(V1));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.3-preview");
    AutomaticOsUpgrades auto = service(store, cloud);
    auto.enable(MultiRegionModels.model("web", "westeurope", 1, 3));
    clock.advanceBy(Duration.ofHours(4));
    assertThat(auto.rollouts()).isEmpty();
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.10");
    clock.advanceBy(Duration.ofHours(2));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).targetVersion("web")).contains("18.04.10");
  }

  @Test
  void aCancelledReleaseIsNotRolledAgainButANewerOneIs() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).image(V1).upgradeLatency(Duration.ofMinutes(10)));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    AutomaticOsUpgrades auto = service(store, cloud);
    auto.enable(MultiRegionModels.model("web", "westeurope", 1, 10));
    while (cloud.upgrades().isEmpty()) {
      clock.advanceBy(Duration.ofMinutes(1));
    }
    auto.rollouts().get(0).cancel();
    clock.advanceBy(Duration.ofHours(6));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).status().code()).isEqualTo(RollingUpgradeStatusCode.CANCELLED);
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.3");
    clock.advanceBy(Duration.ofHours(2));
    assertThat(auto.rollouts()).hasSize(2);
    assertThat(auto.rollouts().get(1).targetVersion("web")).contains("18.04.3");
  }

  @Test
  void aReleaseAfterTheFirstWindowWaitsItsThirtyToSixtyMinutes() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(3).zones(1).image(V1));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1");
    AutomaticOsUpgrades auto = service(store, cloud);
    auto.enable(MultiRegionModels.model("web", "westeurope", 1, 3));
    clock.advanceBy(Duration.ofDays(2)); // up to date all along
    var released = clock.now();
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.2");
    clock.advanceBy(Duration.ofMinutes(29));
    assertThat(auto.rollouts()).isEmpty();
    clock.advanceBy(Duration.ofHours(2));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).status().startTime()).isAfterOrEqualTo(released.plus(Duration.ofMinutes(30)));
  }

  @Test
  void aSiblingOfASetWhoseRunCannotStartIsNotLaunched() {
    cloud.addScaleSet("a-bad", "westeurope", f -> f.instances(3).zones(1).image(V1));
    cloud.addScaleSet("b-good", "westeurope", f -> f.instances(3).zones(1).image(V1));
    ScaleSet good = MultiRegionModels.model("b-good", "westeurope", 1, 3);
    // the platform never starts a run on a Manual set without automatic OS upgrades: its run cannot start
    ScaleSet bad = ScaleSet.builder().from(MultiRegionModels.model("a-bad", "westeurope", 1, 3))
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build()).build();
    ImageReference target = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.2");
    ImageRollout rollout = ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)
        .member(bad, target).member(good, target).start();
    clock.runUntilIdle();
    assertThat(rollout.status().code()).isEqualTo(RollingUpgradeStatusCode.FAULTED);
    assertThat(rollout.status().member("a-bad").orElseThrow().state()).isEqualTo(MemberState.FAULTED);
    assertThat(rollout.status().member("b-good").orElseThrow().state()).isEqualTo(MemberState.PENDING);
    assertThat(cloud.upgrades()).isEmpty();
  }

  @Test
  void theFaultOfACrashedAndResumedRolloutIsTheOneTheUninterruptedRolloutReports() {
    // found by the crash property: two sets fault in one phase; the resume used to blame the one earlier in the plan
    SeededRollout uninterrupted = new SeededRollout(8196);
    InMemoryRolloutStore plain = new InMemoryRolloutStore(SchedulerClock.of(uninterrupted.clock));
    uninterrupted.start(plain);
    long records = RolloutCrashPropertiesTest.recordCount(uninterrupted, plain);
    RolloutCrashPropertiesTest.check(new RolloutCrashPropertiesTest.Crash(8196, 0, true), 100, uninterrupted, records);
  }
}
