package dev.rollingupgrade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import org.junit.jupiter.api.Test;

/** DESIGN §6 requirements and mode Rolling's health source, reported all at once. */
class ScaleSetRequirementsTest {
  private static final HealthProbeReference PROBE = HealthProbeReference.of("/lb/probes/http");
  private static final Extension HEALTH_EXTENSION = Extension.builder().name("health")
      .publisher("Microsoft.ManagedServices").type("ApplicationHealthWindows").typeHandlerVersion("1.0").build();

  private static UpgradePolicy automaticOs(UpgradeMode mode) {
    return UpgradePolicy.builder().mode(mode)
        .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true).build())
        .build();
  }

  private static ScaleSet.Builder set(VirtualMachineProfile profile, UpgradePolicy policy) {
    return ScaleSet.builder().name("web").location("westeurope").virtualMachineProfile(profile).upgradePolicy(policy);
  }

  @Test
  void automaticOsUpgradeReportsEveryUnmetRequirementTogether() {
    VirtualMachineProfile windowsPinned = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter", "20348.1.1"))
        .windowsConfiguration(WindowsConfiguration.of(true))
        .healthProbe(PROBE)
        .extensionProfile(ExtensionProfile.builder().addExtension(HEALTH_EXTENSION).build())
        .build();
    assertThatThrownBy(() -> set(windowsPinned, automaticOs(UpgradeMode.ROLLING)).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).extracting(Violation::path).containsExactly(
                "properties.virtualMachineProfile",
                "properties.virtualMachineProfile.storageProfile.imageReference.version",
                "properties.virtualMachineProfile.osProfile.windowsConfiguration.enableAutomaticUpdates"));
  }

  @Test
  void rollingModeNeedsAHealthSource() {
    VirtualMachineProfile noHealth = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("Canonical", "ubuntu", "server", "1.2.3")).build();
    UpgradePolicy rolling = UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build();
    assertThatThrownBy(() -> set(noHealth, rolling).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e -> {
          assertThat(e.violations()).hasSize(1);
          assertThat(e.violations().get(0).message()).startsWith("upgrade mode Rolling needs exactly one health source");
        });
    assertThat(set(noHealth, UpgradePolicy.defaults()).build().upgradePolicy().mode()).isEqualTo(UpgradeMode.MANUAL);
  }

  @Test
  void customImagesOnlyThroughAGallery() {
    VirtualMachineProfile unmanaged = VirtualMachineProfile.builder()
        .imageReference(ImageReference.ofUri("https://acct.blob.core.windows.net/vhds/os.vhd")).healthProbe(PROBE).build();
    VirtualMachineProfile managed = VirtualMachineProfile.builder()
        .imageReference(ImageReference.ofId("/subscriptions/s/providers/Microsoft.Compute/images/base")).healthProbe(PROBE).build();
    VirtualMachineProfile galleryPinned = VirtualMachineProfile.builder()
        .imageReference(ImageReference.ofId("/subscriptions/s/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0"))
        .healthProbe(PROBE).build();
    assertThatThrownBy(() -> set(unmanaged, automaticOs(UpgradeMode.MANUAL)).build())
        .hasMessageContaining("properties.virtualMachineProfile.storageProfile.osDisk.image.uri: custom images");
    assertThatThrownBy(() -> set(managed, automaticOs(UpgradeMode.MANUAL)).build())
        .hasMessageContaining("properties.virtualMachineProfile.storageProfile.imageReference.id: custom images");
    assertThatThrownBy(() -> set(galleryPinned, automaticOs(UpgradeMode.MANUAL)).build())
        .hasMessageContaining("gallery image definition");
  }

  @Test
  void aCompleteModelBuilds() {
    VirtualMachineProfile ok = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter", "latest"))
        .windowsConfiguration(WindowsConfiguration.of(false))
        .extensionProfile(ExtensionProfile.builder().addExtension(HEALTH_EXTENSION).build())
        .build();
    ScaleSet s = set(ok, automaticOs(UpgradeMode.ROLLING)).addZones("1", "2").capacity(10).build();
    assertThat(s.virtualMachineProfile().describeHealthSource()).isEqualTo("application health extension health");
  }

  @Test
  void fieldsOfTheScaleSetItselfAreChecked() {
    VirtualMachineProfile p = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("Canonical", "ubuntu", "server", "latest")).build();
    assertThatThrownBy(() -> ScaleSet.builder().name(" ").location("").addZones("1", "1").capacity(-1)
            .virtualMachineProfile(p).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).extracting(Violation::path)
                .containsExactly("name", "location", "zones[1]", "sku.capacity"));
  }

  @Test
  void theCapacityIsBoundedSoTheBatchCapCannotOverflow() {
    VirtualMachineProfile p = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("Canonical", "ubuntu", "server", "latest")).build();
    ScaleSet most = ScaleSet.builder().name("web").location("westeurope").capacity(ScaleSet.MAX_CAPACITY)
        .virtualMachineProfile(p).build();
    assertThat(most.capacity()).isEqualTo(10_000_000L);
    assertThatThrownBy(() -> ScaleSet.builder().from(most).capacity(Long.MAX_VALUE).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).containsExactly(
            new Violation("sku.capacity", String.valueOf(Long.MAX_VALUE), "must be between 0 and 10000000")));
  }
}
