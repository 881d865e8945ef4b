package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The example of docs/automatic-os-upgrades.md, "Testing your own policies", kept true. */
class DocsExampleTest {
  @Test
  void aNewImageRollsOutRegionByRegion() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock);
    ImageReference running = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1");
    ImageReference latest = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest");
    for (String region : new String[] {"westeurope", "northeurope", "eastus"}) {
      // the fleet runs an exact version; the model follows "latest"
      cloud.addScaleSet("web-" + region, region, f -> f.instances(6).zones(3).image(running));
      cloud.publishPlatformVersions(region, latest, "18.04.1");
    }
    AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock)
            .store(new InMemoryRolloutStore(SchedulerClock.of(clock)))
            .regionPairs(RegionPairs.none().with("westeurope", "northeurope")))
        .build();
    for (String region : new String[] {"westeurope", "northeurope", "eastus"}) {
      auto.enable(ScaleSet.builder().name("web-" + region).location(region).addZones("1", "2", "3").capacity(6)
          .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(latest)
              .healthProbe(HealthProbeReference.of("/lb-" + region + "/probes/http")).build())
          .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
              .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true).build())
              .build())
          .build());
      cloud.publishPlatformVersions(region, latest, "18.04.2"); // a release
    }

    clock.advanceBy(Duration.ofHours(6)); // hours of virtual time in milliseconds

    RolloutStatus status = auto.rollouts().get(0).status();
    assertThat(status.code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    status.plan().explain().forEach(System.out::println); // why each region is where it is
    assertThat(status.plan().phaseOf("westeurope")).isNotEqualTo(status.plan().phaseOf("northeurope"));
    assertThat(cloud.fleets()).allSatisfy(fleet -> assertThat(fleet.instances())
        .allMatch(i -> i.image().version().orElseThrow().equals("18.04.2")));
  }
}
