package dev.rollingupgrade.testkit.extension;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus.State;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12: an extension release moves availability first, as an OS image does: phases, geo pairs, zones. */
class ExtensionRolloutAcrossRegionsTest {
  static final Extension AGENT = AutomaticExtensionUpgradeRulesTest.AGENT;
  static final List<String> REGIONS = List.of("eastus", "westus", "northeurope", "westeurope");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud)
      .scheduler(clock).store(new InMemoryRolloutStore(SchedulerClock.of(clock)))
      .regionPairs(RegionPairs.none().with("eastus", "westus").with("northeurope", "westeurope")).build();

  static ScaleSet set(String name, String region, int instances) {
    return ScaleSet.builder().name(name).location(region).addZones("1", "2").capacity(instances)
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(AGENT).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build())
        .build();
  }

  void cloudOfFourRegions() {
    for (int r = 0; r < REGIONS.size(); r++) {
      String region = REGIONS.get(r);
      int instances = 4 + 2 * r; // eastus smallest: the canary
      for (String zone : List.of("a", "b")) {
        String name = region + "-" + zone;
        cloud.addScaleSet(name, region, f -> f.instances(instances).zones(2).extension("agent", "9.10"));
        auto.enable(set(name, region, instances));
      }
      cloud.publishExtensionVersions(region, AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER, "DependencyAgentLinux",
          "9.10", "9.10.4");
    }
  }

  @Test
  void aReleaseMovesPhaseByPhaseWithPairsApartAndZonesOneAtATime() {
    cloudOfFourRegions();
    clock.advanceBy(Duration.ofHours(8));
    assertThat(auto.rollouts()).hasSize(1);
    RolloutStatus status = auto.rollouts().get(0).status();
    assertThat(status.code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(status.plan().phases().get(0).regionNames()).containsExactly("eastus");
    for (var phase : status.plan().phases()) {
      List<String> names = phase.regionNames();
      assertThat(names.contains("eastus") && names.contains("westus")).as("phase %d", phase.number()).isFalse();
      assertThat(names.contains("northeurope") && names.contains("westeurope")).as("phase %d", phase.number()).isFalse();
    }
    List<FakeCloud.Upgrade> calls = cloud.upgrades();
    for (FakeCloud.Upgrade a : calls) {
      for (FakeCloud.Upgrade b : calls) {
        if (a.region().equals(b.region()) && !a.zone().equals(b.zone())) {
          assertThat(a.overlaps(b)).as("%s and %s", a, b).isFalse();
        }
        int pa = status.member(a.scaleSet()).orElseThrow().phase();
        int pb = status.member(b.scaleSet()).orElseThrow().phase();
        if (pa < pb) {
          assertThat(a.end().orElseThrow()).as("%s before %s", a, b).isBeforeOrEqualTo(b.start());
        }
      }
    }
    assertThat(cloud.fleets()).allSatisfy(f -> assertThat(f.instances())
        .allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4")));
  }

  @Test
  void aFaultInTheCanaryStopsTheReleaseAndTheUntouchedSetsWaitForTheRetry() {
    cloudOfFourRegions();
    cloud.fleet("eastus-a").instances("0", "1").breaksWith("agent", "9.10.4");
    clock.advanceBy(Duration.ofHours(8));
    ImageRollout first = auto.rollouts().get(0);
    assertThat(first.status().code()).isEqualTo(RollingUpgradeStatusCode.FAULTED);
    assertThat(first.status().members()).filteredOn(m -> m.phase() > 1)
        .allMatch(m -> m.state() == MemberState.PENDING);
    Instant ended = first.status().endTime().orElseThrow();
    var westeurope = auto.status("westeurope-a").get(0);
    assertThat(westeurope.state()).isEqualTo(State.WAITING_TO_RETRY);
    assertThat(westeurope.nextAttempt()).contains(ended.plus(Duration.ofDays(3)));
    assertThat(cloud.fleet("westeurope-a").instances()).allMatch(i -> i.extensionVersion("agent").orElseThrow()
        .equals("9.10"));

    cloud.fleet("eastus-a").instances("0", "1").noLongerBreaksWith("agent", "9.10.4"); // fixed
    clock.advanceBy(Duration.ofDays(3).plusHours(8));
    assertThat(auto.rollouts().get(auto.rollouts().size() - 1).status().code())
        .isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(cloud.fleets()).allSatisfy(f -> assertThat(f.instances())
        .allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4")));
  }

  @Test
  void aNewerVersionReleasesTheSetsHeldByAStoppedRollout() {
    cloudOfFourRegions();
    cloud.fleet("eastus-a").instances("0", "1").breaksWith("agent", "9.10.4");
    clock.advanceBy(Duration.ofHours(8));
    assertThat(auto.status("westeurope-a").get(0).state()).isEqualTo(State.WAITING_TO_RETRY);
    for (String region : REGIONS) {
      cloud.publishExtensionVersions(region, AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER, "DependencyAgentLinux",
          "9.10.5");
    }
    clock.advanceBy(Duration.ofHours(8)); // far less than the 3 days of the hold
    assertThat(cloud.fleets()).allSatisfy(f -> assertThat(f.instances())
        .allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.5")));
  }
}
