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
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The example of docs/automatic-extension-upgrades.md, "Testing", kept true. */
class DocsExtensionExampleTest {
  @Test
  void aNewAgentVersionReachesEveryVmAndABrokenOneIsRetried() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock); // the driver, the health signal and the extension catalog
    // the cloud's name and region must be the model's: the catalog is asked in the model's location
    cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).extension("agent", "9.10"));
    Extension agent = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
        .type("DependencyAgentLinux").typeHandlerVersion("9.10").autoUpgradeMinorVersion(true)
        .enableAutomaticUpgrade(true).build();
    ScaleSet web = ScaleSet.builder().name("web").location("westeurope").addZones("1").capacity(10)
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(agent).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build())
        .build();
    AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(cloud)
        .driver(cloud).health(cloud).scheduler(clock).build();
    auto.enable(web);

    cloud.fleet("web").instance("9").breaksWith("agent", "9.10.4"); // by the extension's name in the model
    cloud.publishExtensionVersions("westeurope", "Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentLinux",
        "9.10.4");
    clock.advanceBy(Duration.ofHours(2)); // advanceBy, not runUntilIdle: the service polls forever

    ExtensionUpgradeStatus status = auto.status("web").get(0);
    assertThat(status.state()).isEqualTo(ExtensionUpgradeStatus.State.WAITING_TO_RETRY);
    assertThat(cloud.fleet("web").instance("9").extensionVersion("agent")).contains("9.10"); // rolled back

    cloud.fleet("web").instance("9").noLongerBreaksWith("agent", "9.10.4"); // the publisher's fix
    clock.advanceBy(Duration.ofDays(3).plusHours(1)); // the retry
    assertThat(cloud.fleet("web").instances())
        .allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4"));
  }
}
