package dev.rollingupgrade.core.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.ServiceFabricDurability;
import dev.rollingupgrade.api.ServiceFabricNodeType;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtensionRulesTest {
  static Extension ext(String name, String publisher, String type, String version, boolean auto, boolean minor) {
    return Extension.builder().name(name).publisher(publisher).type(type).typeHandlerVersion(version)
        .enableAutomaticUpgrade(auto).autoUpgradeMinorVersion(minor).build();
  }

  static final Extension AGENT = ext("agent", "Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentLinux", "9.10",
      true, true);

  static ScaleSet set(Extension... extensions) {
    return ScaleSet.builder().name("web").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .extensionProfile(ExtensionProfile.builder().extensions(List.of(extensions)).build()).build())
        .build();
  }

  @Test
  void onlySupportedExtensionsMayOptInAndEveryOneIsReportedWithItsPath() {
    Extension custom = ext("script", "Microsoft.Azure.Extensions", "CustomScript", "2.1", true, true);
    Extension quiet = ext("other", "Contoso", "Thing", "1.0", false, true);
    List<Violation> found = ExtensionUpgradeRequirements.check(set(quiet, AGENT, custom, Extension.builder().from(custom).name("script2").build()),
        SupportedExtensions.defaults());
    assertThat(found).extracting(Violation::path).containsExactly(
        "properties.virtualMachineProfile.extensionProfile.extensions[2].properties.enableAutomaticUpgrade",
        "properties.virtualMachineProfile.extensionProfile.extensions[3].properties.enableAutomaticUpgrade");
    assertThat(found.get(0).message()).contains("script", "CustomScript", "DependencyAgentLinux", "with(publisher, type)");
    // the list is replaceable; publisher and type ignore case
    assertThat(ExtensionUpgradeRequirements.check(set(AGENT, custom),
        SupportedExtensions.defaults().with("microsoft.azure.extensions", "customscript"))).isEmpty();
    assertThat(ExtensionUpgradeRequirements.check(set(AGENT), SupportedExtensions.of(List.of()))).hasSize(1);
    assertThatThrownBy(() -> ExtensionUpgradeRequirements.require(set(custom), SupportedExtensions.defaults()))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("extensions[0]");
    assertThatThrownBy(() -> new SupportedExtensions.ExtensionType(" ", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publisher and a type");
  }

  @Test
  void serviceFabricSetsDoNotSupportAutomaticExtensionUpgrades() {
    Extension node = Extension.builder().name("sf").publisher("Microsoft.Azure.ServiceFabric")
        .type(Extension.SERVICE_FABRIC_LINUX_TYPE).typeHandlerVersion("1.1").putSetting("durabilityLevel", "Silver")
        .build();
    ScaleSet fabric = ScaleSet.builder().from(set(node, AGENT))
        .serviceFabricNodeType(ServiceFabricNodeType.of(ServiceFabricDurability.SILVER, false)).build();
    assertThat(ExtensionUpgradeRequirements.check(fabric, SupportedExtensions.defaults()))
        .extracting(Violation::message).singleElement().asString().contains("Service Fabric");
  }

  @Test
  void automaticUpgradesStayWithinTheMajorAndWithoutMinorUpgradesWithinTheMinor() {
    List<String> published = List.of("9.9.5", "9.10", "9.10.3", "9.10.10", "9.12.1", "10.0.0", "10.1");
    assertThat(ExtensionVersions.next(AGENT, "9.10", published)).contains("9.12.1");
    assertThat(ExtensionVersions.next(AGENT, "9.12.1", published)).isEmpty();
    Extension pinned = ext("agent", "p", "t", "9.10", true, false);
    assertThat(ExtensionVersions.next(pinned, "9.10", published)).contains("9.10.10");
    assertThat(ExtensionVersions.next(pinned, "9.10.10", published)).isEmpty();
    assertThat(ExtensionVersions.next(AGENT, "9.10", List.of())).isEmpty();
    assertThat(ExtensionVersions.newerMajor(AGENT, published)).contains("10.1");
    assertThat(ExtensionVersions.newerMajor(AGENT, List.of("9.11"))).isEmpty();
  }
}
