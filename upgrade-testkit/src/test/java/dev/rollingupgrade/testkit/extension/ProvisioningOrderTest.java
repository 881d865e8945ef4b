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
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, sequencing: when an OS upgrade re-provisions the extensions, the driver gets them in
 * {@code provisionAfterExtensions} order; a later automatic upgrade of one extension sets that one
 * alone.
 */
class ProvisioningOrderTest {
  static Extension ext(String name, String type, String... after) {
    return Extension.builder().name(name).publisher("Contoso").type(type).typeHandlerVersion("1.0")
        .provisionAfterExtensions(List.of(after)).build();
  }

  @Test
  void anOsUpgradeProvisionsExtensionsInDependencyOrderAndAnExtensionUpgradeTouchesOnlyItsOwn() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).instances(3).zones(1).extension("agent", "9.10").build();
    List<List<String>> orders = new ArrayList<>();
    List<String> extensionCalls = new ArrayList<>();
    InstanceDriver watching = (InstanceDriver) Proxy.newProxyInstance(InstanceDriver.class.getClassLoader(),
        new Class<?>[] {InstanceDriver.class}, (proxy, method, args) -> {
          if (method.getName().equals("replaceOsDisk")) {
            @SuppressWarnings("unchecked")
            List<Extension> inOrder = (List<Extension>) args[3];
            orders.add(inOrder.stream().map(Extension::name).toList());
          }
          if (method.getName().equals("setExtensionVersion")) {
            extensionCalls.add(((Extension) args[2]).name() + "=" + args[3]);
          }
          try {
            return method.invoke(fleet, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    // model order: monitor (after agent), script (after monitor and health), health, agent
    Extension agent = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
        .type("DependencyAgentLinux").typeHandlerVersion("9.10").enableAutomaticUpgrade(true).build();
    ScaleSet set = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.2"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(ext("monitor", "M", "agent"),
                ext("script", "S", "monitor", "health"), ext("health", "H"), agent).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build())
        .build();

    RollingUpgrade.of(set).driver(watching).health(fleet).scheduler(clock).start();
    clock.runUntilIdle();
    assertThat(orders).hasSize(3).allSatisfy(order -> assertThat(order).containsExactly("health", "agent", "monitor",
        "script"));

    RollingUpgrade.of(set).driver(watching).health(fleet).scheduler(clock).targetExtension("agent", "9.10.4")
        .runId("agent-upgrade").start();
    clock.runUntilIdle();
    assertThat(extensionCalls).hasSize(3).containsOnly("agent=9.10.4");
  }
}
