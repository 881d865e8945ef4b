package dev.rollingupgrade.testkit.extension;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.extension.VmGroupKind;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Issue 12: availability sets go one update domain at a time; standalone VMs at most 20 % in flight. */
class VmGroupsTest {
  static final Extension AGENT = AutomaticExtensionUpgradeRulesTest.AGENT;
  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud)
      .scheduler(clock).store(new InMemoryRolloutStore(SchedulerClock.of(clock))).build();

  static ScaleSet group(String name, int vms) {
    return ScaleSet.builder().name(name).location("westeurope").capacity(vms)
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(AGENT).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build())
        .build();
  }

  /** The most calls in flight at any instant. */
  static int mostInFlight(List<FakeCloud.Upgrade> calls) {
    int most = 0;
    for (FakeCloud.Upgrade a : calls) {
      Instant t = a.start();
      int n = (int) calls.stream().filter(b -> !b.start().isAfter(t) && b.end().orElse(Instant.MAX).isAfter(t)).count();
      most = Math.max(most, n);
    }
    return most;
  }

  @Test
  void anAvailabilitySetGoesOneUpdateDomainAtATimeNeverTwoAtOnce() {
    cloud.addScaleSet("avset", "westeurope", f -> f.instances(15).zones(0).updateDomains(3).extension("agent", "9.10")
        .latencyJitter(Duration.ofSeconds(50)).seed(3));
    cloud.publishExtensionVersions("westeurope", AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER,
        "DependencyAgentLinux", "9.10.4");
    auto.enable(group("avset", 15), VmGroupKind.AVAILABILITY_SET);
    clock.advanceBy(Duration.ofHours(4));
    List<FakeCloud.Upgrade> calls = cloud.upgrades();
    assertThat(calls).hasSize(15);
    for (FakeCloud.Upgrade a : calls) {
      for (FakeCloud.Upgrade b : calls) {
        if (a.updateDomain() != b.updateDomain()) {
          assertThat(a.overlaps(b)).as("%s and %s", a, b).isFalse();
        }
      }
    }
    // 20 % of 15 per batch inside a domain of 5: 3 then 2, domain after domain
    assertThat(mostInFlight(calls)).isEqualTo(3);
    assertThat(calls.stream().map(FakeCloud.Upgrade::start).distinct().count()).isEqualTo(6);
  }

  @Test
  void standaloneVmsAreBatchedSoAtMostTwentyPercentAreInFlight() {
    // 7 update domains of 3 or 2 VMs: batches cut at domain boundaries would hold at most 3
    cloud.addScaleSet("vms", "westeurope", f -> f.instances(20).zones(0).updateDomains(7).extension("agent", "9.10")
        .latencyJitter(Duration.ofSeconds(50)).seed(5));
    cloud.publishExtensionVersions("westeurope", AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER,
        "DependencyAgentLinux", "9.10.4");
    auto.enable(group("vms", 20), VmGroupKind.STANDALONE_VMS);
    clock.advanceBy(Duration.ofHours(4));
    assertThat(cloud.upgrades()).hasSize(20);
    assertThat(mostInFlight(cloud.upgrades())).isEqualTo(4);
    assertThat(cloud.fleet("vms").instances()).allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4"));
    // their update domains mean nothing together: batches of 4 across domains, 5 of them
    assertThat(cloud.upgrades().stream().map(FakeCloud.Upgrade::start).distinct().count()).isEqualTo(5);
  }

  @Test
  void aScaleSetWithManyUpdateDomainsKeepsItsTwentyPercentCap() {
    cloud.addScaleSet("vmss", "westeurope", f -> f.instances(20).zones(1).updateDomains(2).extension("agent", "9.10"));
    cloud.publishExtensionVersions("westeurope", AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER,
        "DependencyAgentLinux", "9.10.4");
    auto.enable(group("vmss", 20));
    clock.advanceBy(Duration.ofHours(4));
    assertThat(mostInFlight(cloud.upgrades())).isEqualTo(4);
    assertThat(new TreeSet<>(cloud.upgrades().stream().map(FakeCloud.Upgrade::call).toList()))
        .containsExactly("setExtensionVersion(agent=9.10.4)");
  }
}
