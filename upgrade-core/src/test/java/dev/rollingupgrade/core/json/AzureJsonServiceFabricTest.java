package dev.rollingupgrade.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.ServiceFabricDurability;
import dev.rollingupgrade.api.ServiceFabricNodeType;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import org.junit.jupiter.api.Test;

/** The SDK's {@code properties.serviceFabricNodeType} and the Service Fabric rules on whole documents. */
class AzureJsonServiceFabricTest {
  private static final String PROFILE = "properties.virtualMachineProfile";
  private static final String SF = PROFILE + ".extensionProfile.extensions[0].properties";

  /** A Windows Service Fabric set; the placeholders fill in the parts each test varies. */
  private static String document(String version, String updates, String handler, String extensionLevel, String nodeType) {
    return """
        {"name": "sf-nt1", "location": "westeurope",
         "properties": {
           "upgradePolicy": {"mode": "Automatic", "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}},
           "virtualMachineProfile": {
             "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                                   "sku": "2019-Datacenter", "version": "%s"}},
             "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": %s}},
             "extensionProfile": {"extensions": [{"name": "ServiceFabricNodeVmExt", "properties": {
               "publisher": "Microsoft.Azure.ServiceFabric", "type": "ServiceFabricNode", "typeHandlerVersion": "%s",
               "settings": {"clusterEndpoint": "https://cluster", "nodeTypeRef": "nt1", "durabilityLevel": %s}}}]}
           }%s
         }}
        """.formatted(version, updates, handler, extensionLevel, nodeType == null ? "" : ",\n\"serviceFabricNodeType\": " + nodeType);
  }

  private static final String VALID = document("latest", "false", "1.1", "\"Silver\"",
      "{\"durabilityLevel\": \"Silver\", \"isStateless\": false}");

  @Test
  void readsTheNodeTypeAndWritesItBackEqual() {
    ScaleSet s = AzureJson.readScaleSet(VALID);
    assertThat(s.isServiceFabric()).isTrue();
    assertThat(s.serviceFabricNodeType()).contains(ServiceFabricNodeType.of(ServiceFabricDurability.SILVER, false));
    String written = AzureJson.write(s);
    assertThat(written).contains("\"serviceFabricNodeType\" : {\n      \"durabilityLevel\" : \"Silver\",\n      \"isStateless\" : false\n    }");
    assertThat(AzureJson.readScaleSet(written)).isEqualTo(s);

    ScaleSet stateless = AzureJson.readScaleSet(document("latest", "false", "1.2", "\"Bronze\"",
        "{\"durabilityLevel\": \"bronze\", \"isStateless\": true}").replace("\"extensions\": [",
        "\"extensions\": [{\"name\": \"health\", \"properties\": {\"publisher\": \"Microsoft.ManagedServices\","
            + " \"type\": \"ApplicationHealthWindows\", \"typeHandlerVersion\": \"1.0\"}},"));
    assertThat(stateless.serviceFabricNodeType()).contains(ServiceFabricNodeType.of(ServiceFabricDurability.BRONZE, true));
    assertThat(AzureJson.readScaleSet(AzureJson.write(stateless))).isEqualTo(stateless);
  }

  @Test
  void isStatelessDefaultsToFalseAndAnAbsentNodeTypeIsNotWritten() {
    ScaleSet s = AzureJson.readScaleSet(document("latest", "false", "1.1", "\"Gold\"", "{\"durabilityLevel\": \"Gold\"}"));
    assertThat(s.serviceFabricNodeType().orElseThrow().isStateless()).isFalse();
    String plain = AzureJsonScaleSetTest.resource("rolling-scale-set.json");
    assertThat(AzureJson.write(AzureJson.readScaleSet(plain))).doesNotContain("serviceFabricNodeType");
  }

  @Test
  void wrongTypesInTheNodeTypeAreReportedWithTheirPaths() {
    String json = document("latest", "false", "1.1", "\"Silver\"", "{\"durabilityLevel\": 2, \"isStateless\": \"no\"}");
    assertThatThrownBy(() -> AzureJson.readScaleSet(json))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).containsExactly(
            new Violation("properties.serviceFabricNodeType.durabilityLevel", "2", "must be a string"),
            new Violation("properties.serviceFabricNodeType.isStateless", "\"no\"", "must be true or false")));
    // an unknown level is reported once, at its own path, not again as a mismatch with the extension
    String platinum = document("latest", "false", "1.1", "\"Gold\"", "{\"durabilityLevel\": \"Platinum\"}");
    assertThatThrownBy(() -> AzureJson.readScaleSet(platinum))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).containsExactly(
            new Violation("properties.serviceFabricNodeType.durabilityLevel", "\"Platinum\"", "must be one of Bronze, Silver, Gold")));
    assertThatThrownBy(() -> AzureJson.readScaleSet(document("latest", "false", "1.1", "\"Silver\"", "{}")))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .extracting(Violation::path).containsExactly("properties.serviceFabricNodeType.durabilityLevel"));
    assertThatThrownBy(() -> AzureJson.readScaleSet(document("latest", "false", "1.1", "\"Silver\"", "\"Silver\"")))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).containsExactly(
            new Violation("properties.serviceFabricNodeType", "\"Silver\"", "must be a JSON object")));
  }

  @Test
  void aMissingNodeTypeIsReportedAtItsPath() {
    assertThatThrownBy(() -> AzureJson.readScaleSet(document("latest", "false", "1.1", "\"Silver\"", null)))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .extracting(Violation::path).containsExactly("properties.serviceFabricNodeType"));
  }

  @Test
  void everyBrokenRuleOfOneDocumentIsReportedWithItsPath() {
    // version pinned, Windows Update on, Bronze on a stateful node type, handler 1.0, extension says Silver
    String json = document("17763.6414.241004", "true", "1.0", "\"Silver\"",
        "{\"durabilityLevel\": \"Bronze\", \"isStateless\": false}");
    assertThatThrownBy(() -> AzureJson.readScaleSet(json))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> {
          assertThat(e.violations()).extracting(Violation::path).containsExactly(
              "properties.serviceFabricNodeType.durabilityLevel",
              PROFILE + ".extensionProfile.extensions[0].properties.settings.durabilityLevel",
              PROFILE + ".extensionProfile.extensions[0].properties.typeHandlerVersion",
              PROFILE + ".osProfile.windowsConfiguration.enableAutomaticUpdates",
              PROFILE + ".storageProfile.imageReference.version");
          assertThat(e.violations()).extracting(Violation::message).allSatisfy(m -> assertThat(m).isNotBlank());
          assertThat(e.violations().get(1).message()).contains("durabilityLevel is Bronze");
          assertThat(e.violations().get(1).value()).isEqualTo("\"Silver\"");
        });
  }

  @Test
  void theFlattenedCliShapeHasTheNodeTypeAtTheTop() {
    String cli = """
        {"name": "sf-nt1", "location": "westeurope",
         "upgradePolicy": {"automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}},
         "virtualMachineProfile": {
           "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer",
                                                 "sku": "18.04-LTS", "version": "latest"}},
           "extensionProfile": {"extensions": [{"name": "sf", "publisher": "Microsoft.Azure.ServiceFabric",
             "type": "ServiceFabricLinuxNode", "typeHandlerVersion": "1.1", "settings": {"durabilityLevel": "Gold"}}]}},
         "serviceFabricNodeType": {"durabilityLevel": "Gold"}}
        """;
    assertThat(AzureJson.readScaleSet(cli).serviceFabricNodeType())
        .contains(ServiceFabricNodeType.of(ServiceFabricDurability.GOLD, false));
    assertThatThrownBy(() -> AzureJson.readScaleSet(cli.replace("{\"durabilityLevel\": \"Gold\"}}\n", "{\"durabilityLevel\": \"Silver\"}}\n")))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .extracting(Violation::path).containsExactly(SF + ".settings.durabilityLevel"));
  }
}
