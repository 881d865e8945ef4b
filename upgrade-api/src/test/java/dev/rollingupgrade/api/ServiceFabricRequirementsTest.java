package dev.rollingupgrade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Service Fabric requirements of automatic OS image upgrades, each violated and met. */
class ServiceFabricRequirementsTest {
  private static final String NODE_TYPE = "properties.serviceFabricNodeType";
  private static final String SF = "properties.virtualMachineProfile.extensionProfile.extensions[0].properties";
  private static final String UPDATES = "properties.virtualMachineProfile.osProfile.windowsConfiguration.enableAutomaticUpdates";
  private static final String PROBE_PATH = "properties.virtualMachineProfile.networkProfile.healthProbe";
  private static final Extension HEALTH = Extension.builder().name("health")
      .publisher("Microsoft.ManagedServices").type("ApplicationHealthLinux").typeHandlerVersion("2.0").build();
  private static final HealthProbeReference PROBE = HealthProbeReference.of("/lb/probes/http");

  private static Extension linuxNode(String version, Object durability) {
    return node(Extension.SERVICE_FABRIC_LINUX_TYPE, version, durability);
  }

  private static Extension node(String type, String version, Object durability) {
    var b = Extension.builder().name("sf").publisher("Microsoft.Azure.ServiceFabric").type(type).typeHandlerVersion(version);
    if (durability != null) {
      b.putSetting("durabilityLevel", durability);
    }
    return b.build();
  }

  private static UpgradePolicy policy(boolean automaticOs, UpgradeMode mode) {
    return UpgradePolicy.builder().mode(mode)
        .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(automaticOs).build()).build();
  }

  /** A Linux Service Fabric set with automatic OS upgrades; every requirement met unless changed. */
  private static ScaleSet.Builder set(ServiceFabricNodeType nodeType, Extension... extensions) {
    return set(VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest"))
        .extensionProfile(ExtensionProfile.builder().extensions(List.of(extensions)).build()).build(), nodeType);
  }

  private static ScaleSet.Builder set(VirtualMachineProfile profile, ServiceFabricNodeType nodeType) {
    var b = ScaleSet.builder().name("sf").location("westeurope").virtualMachineProfile(profile)
        .upgradePolicy(policy(true, UpgradeMode.AUTOMATIC));
    return nodeType == null ? b : b.serviceFabricNodeType(nodeType);
  }

  private static ServiceFabricNodeType nodeType(ServiceFabricDurability d, boolean stateless) {
    return ServiceFabricNodeType.of(d, stateless);
  }

  private static List<Violation> violations(ScaleSet.Builder b) {
    try {
      b.build();
    } catch (InvalidModelException e) {
      return e.violations();
    }
    return List.of();
  }

  private static List<String> paths(ScaleSet.Builder b) {
    return violations(b).stream().map(Violation::path).toList();
  }

  @Test
  void theServiceFabricNodeExtensionIsRecognisedIgnoringCase() {
    assertThat(linuxNode("1.1", "Silver").isServiceFabricNodeExtension()).isTrue();
    assertThat(node("servicefabricnode", "1.1", "Silver").isServiceFabricNodeExtension()).isTrue();
    assertThat(Extension.builder().name("x").publisher("microsoft.azure.servicefabric").type("ServiceFabricNode")
        .typeHandlerVersion("1.1").build().isServiceFabricNodeExtension()).isTrue();
    assertThat(HEALTH.isServiceFabricNodeExtension()).isFalse();
    assertThat(Extension.builder().name("x").publisher("Contoso").type("ServiceFabricNode").typeHandlerVersion("1.1")
        .build().isServiceFabricNodeExtension()).isFalse();
    ScaleSet sf = set(nodeType(ServiceFabricDurability.SILVER, false), HEALTH, linuxNode("1.1", "Silver")).build();
    assertThat(sf.isServiceFabric()).isTrue();
    assertThat(set(null, HEALTH).upgradePolicy(policy(false, UpgradeMode.MANUAL)).build().isServiceFabric()).isFalse();
  }

  @Test
  void silverAndGoldNeedNoHealthSourceWhereOtherSetsNeedOne() {
    assertThatCode(() -> set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.1", "Silver")).build())
        .doesNotThrowAnyException();
    assertThatCode(() -> set(nodeType(ServiceFabricDurability.GOLD, false), linuxNode("1.1", "Gold")).build())
        .doesNotThrowAnyException();
    // the same set without the Service Fabric extension needs its one health source
    assertThat(violations(set(null)))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo("properties.virtualMachineProfile");
          assertThat(v.message()).startsWith("automatic OS upgrade needs exactly one health source");
        });
  }

  @Test
  void modeRollingStillNeedsAHealthSourceOnAServiceFabricSet() {
    var rolling = set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.1", "Silver"))
        .upgradePolicy(policy(true, UpgradeMode.ROLLING));
    assertThat(violations(rolling)).singleElement()
        .satisfies(v -> assertThat(v.message()).startsWith("upgrade mode Rolling needs exactly one health source"));
    assertThatCode(() -> set(nodeType(ServiceFabricDurability.SILVER, false), HEALTH, linuxNode("1.1", "Silver"))
        .upgradePolicy(policy(true, UpgradeMode.ROLLING)).build()).doesNotThrowAnyException();
  }

  @Test
  void bronzeIsRejectedForAStatefulNodeType() {
    assertThat(violations(set(nodeType(ServiceFabricDurability.BRONZE, false), HEALTH, linuxNode("1.1", "Bronze"))))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(NODE_TYPE + ".durabilityLevel");
          assertThat(v.value()).isEqualTo("\"Bronze\"");
          assertThat(v.message()).contains("must be Silver or Gold").contains("isStateless");
        });
  }

  @Test
  void bronzeIsAcceptedForAStatelessNodeTypeWithTheApplicationHealthExtension() {
    assertThatCode(() -> set(nodeType(ServiceFabricDurability.BRONZE, true), HEALTH, linuxNode("1.1", "Bronze")).build())
        .doesNotThrowAnyException();
  }

  @Test
  void bronzeStatelessNeedsExactlyOneApplicationHealthExtension() {
    assertThat(violations(set(nodeType(ServiceFabricDurability.BRONZE, true), linuxNode("1.1", "Bronze"))))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo("properties.virtualMachineProfile");
          assertThat(v.message()).contains("Bronze durability needs exactly one application health extension");
        });
    Extension second = Extension.builder().from(HEALTH).name("health2").build();
    assertThat(paths(set(nodeType(ServiceFabricDurability.BRONZE, true), HEALTH, second, linuxNode("1.1", "Bronze"))))
        .containsExactly("properties.virtualMachineProfile");
  }

  @Test
  void aLoadBalancerProbeIsNotSupportedOnServiceFabricSets() {
    VirtualMachineProfile withProbe = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest")).healthProbe(PROBE)
        .extensionProfile(ExtensionProfile.builder().addExtension(linuxNode("1.1", "Bronze")).build()).build();
    // Bronze stateless: the probe is refused and the extension is still missing
    assertThat(paths(set(withProbe, nodeType(ServiceFabricDurability.BRONZE, true))))
        .containsExactly(PROBE_PATH, "properties.virtualMachineProfile");
    VirtualMachineProfile silverWithProbe = VirtualMachineProfile.builder().from(withProbe)
        .extensionProfile(ExtensionProfile.builder().addExtension(linuxNode("1.1", "Silver")).build()).build();
    assertThat(violations(set(silverWithProbe, nodeType(ServiceFabricDurability.SILVER, false)))).singleElement()
        .satisfies(v -> {
          assertThat(v.path()).isEqualTo(PROBE_PATH);
          assertThat(v.value()).isEqualTo("/lb/probes/http");
          assertThat(v.message()).contains("load balancer health probe is not supported");
        });
  }

  @Test
  void theExtensionNeedsHandlerVersionOnePointOneOrLaterComparedNumerically() {
    assertThat(violations(set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.0", "Silver"))))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(SF + ".typeHandlerVersion");
          assertThat(v.value()).isEqualTo("\"1.0\"");
          assertThat(v.message()).contains("1.1 or later");
        });
    assertThat(paths(set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("0.9.9", "Silver"))))
        .containsExactly(SF + ".typeHandlerVersion");
    // 1.05 is minor version 5, not the decimal 1.05 < 1.1
    for (String ok : List.of("1.1", "1.05", "1.10", "2.0", "1.1.0.0")) {
      assertThatCode(() -> set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode(ok, "Silver")).build())
          .as(ok).doesNotThrowAnyException();
    }
  }

  @Test
  void theDurabilityOfTheClusterAndTheExtensionMustBeEqual() {
    assertThat(violations(set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.1", "Gold"))))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(SF + ".settings.durabilityLevel");
          assertThat(v.value()).isEqualTo("\"Gold\"");
          assertThat(v.message()).contains("properties.serviceFabricNodeType.durabilityLevel is Silver")
              .contains("Bronze, Silver or Gold");
        });
    assertThatCode(() -> set(nodeType(ServiceFabricDurability.GOLD, false), linuxNode("1.1", "gold")).build())
        .doesNotThrowAnyException();
  }

  @Test
  void theExtensionsDurabilitySettingMustNameALevel() {
    assertThat(violations(set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.1", "Platinum"))))
        .singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(SF + ".settings.durabilityLevel");
          assertThat(v.value()).isEqualTo("\"Platinum\"");
          assertThat(v.message()).startsWith("must be Bronze, Silver or Gold");
        });
    assertThat(violations(set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.1", 2))))
        .extracting(Violation::path, Violation::value).containsExactly(org.assertj.core.groups.Tuple.tuple(
            SF + ".settings.durabilityLevel", "2"));
    assertThat(violations(set(nodeType(ServiceFabricDurability.SILVER, false), linuxNode("1.1", null))))
        .extracting(Violation::path, Violation::value).containsExactly(org.assertj.core.groups.Tuple.tuple(
            SF + ".settings.durabilityLevel", "null"));
  }

  @Test
  void windowsUpdateMustBeOffOnAWindowsServiceFabricSet() {
    Extension windowsNode = node(Extension.SERVICE_FABRIC_WINDOWS_TYPE, "1.1", "Silver");
    VirtualMachineProfile.Builder windows = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", "latest"))
        .extensionProfile(ExtensionProfile.builder().addExtension(windowsNode).build());
    ServiceFabricNodeType silver = nodeType(ServiceFabricDurability.SILVER, false);
    assertThat(violations(set(VirtualMachineProfile.builder().from(windows.build())
        .windowsConfiguration(WindowsConfiguration.of(true)).build(), silver))).singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(UPDATES);
          assertThat(v.message()).contains("must be false").contains("Service Fabric");
        });
    // absent means Windows Update on, as in Azure
    assertThat(violations(set(windows.build(), silver))).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo(UPDATES);
      assertThat(v.value()).isEqualTo("null");
    });
    assertThatCode(() -> set(VirtualMachineProfile.builder().from(windows.build())
        .windowsConfiguration(WindowsConfiguration.of(false)).build(), silver).build()).doesNotThrowAnyException();
  }

  @Test
  void aServiceFabricSetWithAutomaticOsUpgradesMustDescribeItsNodeType() {
    assertThat(violations(set(null, linuxNode("1.1", "Silver")))).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo(NODE_TYPE);
      assertThat(v.message()).contains("describe the cluster's node type").contains("durabilityLevel");
    });
    // without automatic OS upgrades no Service Fabric rule applies
    assertThatCode(() -> set(nodeType(ServiceFabricDurability.BRONZE, false), linuxNode("1.0", "Gold"))
        .upgradePolicy(policy(false, UpgradeMode.MANUAL)).build()).doesNotThrowAnyException();
    assertThatCode(() -> set(null, linuxNode("1.0", "Gold")).upgradePolicy(policy(false, UpgradeMode.MANUAL)).build())
        .doesNotThrowAnyException();
  }

  @Test
  void aNodeTypeNeedsTheServiceFabricExtension() {
    assertThat(violations(set(nodeType(ServiceFabricDurability.SILVER, false), HEALTH)
        .upgradePolicy(policy(false, UpgradeMode.MANUAL)))).singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(NODE_TYPE);
          assertThat(v.message()).contains("no Service Fabric node extension");
        });
  }

  @Test
  void everyBrokenRuleIsReportedTogetherWithItsPath() {
    Extension windowsNode = node(Extension.SERVICE_FABRIC_WINDOWS_TYPE, "1.0", "Silver");
    VirtualMachineProfile profile = VirtualMachineProfile.builder()
        .imageReference(ImageReference.platform("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", "17763.1.1"))
        .windowsConfiguration(WindowsConfiguration.of(true)).healthProbe(PROBE)
        .extensionProfile(ExtensionProfile.builder().addExtension(windowsNode).build()).build();
    assertThat(paths(set(profile, nodeType(ServiceFabricDurability.BRONZE, false)))).containsExactly(
        "properties.virtualMachineProfile.storageProfile.imageReference.version",
        UPDATES,
        NODE_TYPE + ".durabilityLevel",
        SF + ".typeHandlerVersion",
        SF + ".settings.durabilityLevel",
        PROBE_PATH);
  }

  @Test
  void durabilityNamesAreAzures() {
    assertThat(ServiceFabricDurability.fromAzureName("silver")).contains(ServiceFabricDurability.SILVER);
    assertThat(ServiceFabricDurability.fromAzureName("Platinum")).isEmpty();
    assertThat(ServiceFabricDurability.GOLD.azureName()).isEqualTo("Gold");
    assertThat(ServiceFabricNodeType.builder().durabilityLevel(ServiceFabricDurability.GOLD).build().isStateless()).isFalse();
    assertThat(linuxNode("1.1", Map.of("x", 1)).serviceFabricDurability()).isEmpty();
    assertThat(ExtensionProfile.builder().addExtension(HEALTH).addExtension(linuxNode("1.1", "gold")).build().serviceFabricDurability())
        .contains(ServiceFabricDurability.GOLD);
    assertThat(ExtensionProfile.builder().addExtension(HEALTH).build().serviceFabricDurability()).isEmpty();
  }
}
