package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.ServiceFabricDurability;
import dev.rollingupgrade.api.ServiceFabricNodeType;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Issue 11: Service Fabric update domains, a release published mid-rollout, and a restart of the service's host. */
class AutomaticRolloutScenariosTest {
  static final ImageReference V1 = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));

  AutomaticOsUpgrades service() {
    return AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)).build();
  }

  /** Instances whose OS disk was replaced in the same instant, per start time: the batches. */
  static Map<Instant, Set<Integer>> updateDomainsPerBatch(FakeCloud cloud, String set) {
    FakeFleet fleet = cloud.fleet(set);
    Map<Instant, Set<Integer>> batches = new TreeMap<>();
    for (FakeCloud.Upgrade u : cloud.upgrades()) {
      if (u.scaleSet().equals(set)) {
        batches.computeIfAbsent(u.start(), t -> new TreeSet<>()).add(fleet.instance(u.instanceId()).updateDomain());
      }
    }
    return batches;
  }

  /** {@code plain}'s policies in Automatic mode, as a Silver Service Fabric node type: no health source, the node extension. */
  static ScaleSet serviceFabric(String name, ScaleSet plain) {
    Extension node = Extension.builder().name("sf").publisher("Microsoft.Azure.ServiceFabric")
        .type(Extension.SERVICE_FABRIC_LINUX_TYPE).typeHandlerVersion("1.1").putSetting("durabilityLevel", "Silver")
        .build();
    return ScaleSet.builder().from(plain).name(name)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(MultiRegionModels.LATEST)
            .extensionProfile(ExtensionProfile.builder().addExtensions(node).build()).build())
        .upgradePolicy(UpgradePolicy.builder().from(plain.upgradePolicy()).mode(UpgradeMode.AUTOMATIC).build())
        .serviceFabricNodeType(ServiceFabricNodeType.of(ServiceFabricDurability.SILVER, false))
        .build();
  }

  @Test
  void aServiceFabricSetRollsOneUpdateDomainAtATimeEvenWhenItsPolicyWouldMixThem() {
    // 20 instances in 10 update domains: a 20 % batch of 4 spans two domains unless the domains are respected
    for (String name : List.of("plain", "fabric")) {
      cloud.addScaleSet(name, "westeurope", f -> f.instances(20).zones(1).updateDomains(10).image(V1));
    }
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    ScaleSet model = MultiRegionModels.model("plain", "westeurope", 1, 20);
    ScaleSet plain = ScaleSet.builder().from(model)
        .upgradePolicy(UpgradePolicy.builder().from(model.upgradePolicy())
            .rollingUpgradePolicy(RollingUpgradePolicy.builder().respectUpdateDomains(false).build())
            .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true)
                .useRollingUpgradePolicy(true).build()).build())
        .build();
    AutomaticOsUpgrades auto = service();
    auto.enable(plain);
    auto.enable(serviceFabric("fabric", plain));
    clock.advanceBy(Duration.ofHours(6));

    assertThat(auto.rollouts()).isNotEmpty().allMatch(r -> r.status().code() == RollingUpgradeStatusCode.COMPLETED);
    assertThat(cloud.fleet("fabric").instances()).allMatch(i -> i.image().version().orElseThrow().equals("18.04.2"));
    Map<Instant, Set<Integer>> fabric = updateDomainsPerBatch(cloud, "fabric");
    assertThat(fabric.values()).hasSize(10).allMatch(uds -> uds.size() == 1);
    assertThat(updateDomainsPerBatch(cloud, "plain").values()).hasSize(5).allMatch(uds -> uds.size() == 2);
  }

  @Test
  void aVersionPublishedWhileARolloutIsInFlightIsRolledOutAfterIt() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).image(V1).upgradeLatency(Duration.ofMinutes(5)));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    AutomaticOsUpgrades auto = service();
    auto.enable(MultiRegionModels.model("web", "westeurope", 1, 10));
    while (cloud.upgrades().isEmpty()) {
      clock.advanceBy(Duration.ofMinutes(1));
    }
    ImageRollout first = auto.rollouts().get(0);
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.3");
    clock.advanceBy(Duration.ofMinutes(5));
    assertThat(first.isFinished()).as("still in flight when 18.04.3 came").isFalse();

    clock.advanceBy(Duration.ofHours(4));
    assertThat(auto.rollouts()).hasSize(2);
    assertThat(first.targetVersion("web")).contains("18.04.2");
    assertThat(first.status().code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    ImageRollout second = auto.rollouts().get(1);
    assertThat(second.targetVersion("web")).contains("18.04.3");
    assertThat(second.status().startTime()).isAfterOrEqualTo(first.status().endTime().orElseThrow());
    assertThat(second.status().code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(cloud.fleet("web").instances()).allMatch(i -> i.image().version().orElseThrow().equals("18.04.3"));
  }

  @Test
  void aRestartedServiceRecoversTheRolloutInFlightAndKeepsWatching() {
    List<ScaleSet> sets = List.of(MultiRegionModels.model("web-eu", "westeurope", 2, 6),
        MultiRegionModels.model("web-us", "eastus", 2, 6));
    for (ScaleSet s : sets) {
      cloud.addScaleSet(s.name(), s.location(), f -> f.instances(6).zones(2).image(V1));
      cloud.publishPlatformVersions(s.location(), MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    }
    AutomaticOsUpgrades before = service();
    sets.forEach(before::enable);
    while (cloud.upgrades().isEmpty()) {
      clock.advanceBy(Duration.ofMinutes(1));
    }
    clock.advanceBy(Duration.ofMinutes(2));
    ImageRollout crashed = before.rollouts().get(0);
    assertThat(crashed.isFinished()).isFalse();
    // the host dies: its watch and its rollout stop; the store keeps the journal
    before.close();
    crashed.abandon();
    int replacedBefore = cloud.upgrades().size();
    clock.advanceBy(Duration.ofMinutes(30));
    assertThat(cloud.upgrades()).as("nothing drives the rollout while the host is down").hasSize(replacedBefore);

    AutomaticOsUpgrades after = service();
    sets.forEach(after::enable);
    List<ImageRollout> recovered = after.recover();
    assertThat(recovered).extracting(ImageRollout::rolloutId).containsExactly(crashed.rolloutId());
    clock.advanceBy(Duration.ofHours(4));
    RolloutStatus status = recovered.get(0).status();
    assertThat(status.code()).as("%s", status.error()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(after.rollouts()).hasSize(1); // the recovered one; no second rollout of the same release
    Map<String, Integer> replaced = new TreeMap<>();
    for (FakeFleet fleet : cloud.fleets()) {
      assertThat(fleet.instances()).allMatch(i -> i.image().version().orElseThrow().equals("18.04.2"));
      fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK)
          .forEach(c -> replaced.merge(fleet.scaleSetName() + "/" + c.instanceId(), 1, Integer::sum));
    }
    assertThat(replaced).hasSize(12).allSatisfy((instance, times) -> assertThat(times).as(instance).isEqualTo(1));

    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.3");
    clock.advanceBy(Duration.ofHours(2));
    assertThat(after.rollouts()).hasSize(2);
    assertThat(after.rollouts().get(1).targetVersion("web-eu")).contains("18.04.3");
  }
}
