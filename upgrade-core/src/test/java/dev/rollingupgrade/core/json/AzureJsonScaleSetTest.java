package dev.rollingupgrade.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AzureJsonScaleSetTest {

  static String resource(String name) {
    try (InputStream in = AzureJsonScaleSetTest.class.getResourceAsStream("/json/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final String MINIMAL = "{\"name\":\"s\",\"location\":\"westeurope\",\"properties\":{"
      + "\"virtualMachineProfile\":{\"storageProfile\":{\"imageReference\":"
      + "{\"publisher\":\"Canonical\",\"offer\":\"ubuntu\",\"sku\":\"server\",\"version\":\"1.2.3\"}}}%s}}";

  private static String minimalWith(String extra) {
    return String.format(MINIMAL, extra);
  }

  @Test
  void readsTheRestShape() {
    ScaleSet s = AzureJson.readScaleSet(resource("rolling-scale-set.json"));
    assertThat(s.name()).isEqualTo("web-vmss");
    assertThat(s.location()).isEqualTo("westeurope");
    assertThat(s.zones()).containsExactly("1", "2");
    assertThat(s.capacity()).isEqualTo(20);
    assertThat(s.upgradePolicy().mode()).isEqualTo(UpgradeMode.ROLLING);
    assertThat(s.upgradePolicy().automaticOSUpgradePolicy().enableAutomaticOSUpgrade()).isTrue();
    assertThat(s.virtualMachineProfile().imageReference())
        .isEqualTo(ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "latest"));
    assertThat(s.virtualMachineProfile().extensionProfile().extensions()).hasSize(2);
    assertThat(s.virtualMachineProfile().extensionProfile().extensions().get(1).protectedSettings().reveal())
        .containsEntry("workspaceKey", "not-a-real-key");
  }

  /** Flattened by {@code az}, an extension's {@code type} is its resource type; its own type is {@code typePropertiesType}. */
  @Test
  void aFlattenedExtensionTakesItsTypeFromTypePropertiesType() {
    String cli = "{\"name\":\"s\",\"location\":\"eastus\",\"virtualMachineProfile\":{\"storageProfile\":"
        + "{\"imageReference\":{\"publisher\":\"Canonical\",\"offer\":\"o\",\"sku\":\"k\",\"version\":\"1.0.0\"}},"
        + "\"extensionProfile\":{\"extensions\":[{\"name\":\"health\",\"publisher\":"
        + "\"Microsoft.ManagedServices\",\"type\":\"Microsoft.Compute/virtualMachineScaleSets/extensions\","
        + "\"typePropertiesType\":\"ApplicationHealthLinux\",\"typeHandlerVersion\":\"1.0\"}]}}}";
    assertThat(AzureJson.readScaleSet(cli).virtualMachineProfile().extensionProfile().extensions().get(0).type())
        .isEqualTo("ApplicationHealthLinux");
  }

  @Test
  void readsTheFlattenedCliShapeToo() {
    String cli = "{\"name\":\"s\",\"location\":\"eastus\",\"upgradePolicy\":{\"mode\":\"Automatic\"},"
        + "\"virtualMachineProfile\":{\"storageProfile\":{\"osDisk\":{\"image\":{\"uri\":\"https://a/b.vhd\"}}}}}";
    ScaleSet s = AzureJson.readScaleSet(cli);
    assertThat(s.upgradePolicy().mode()).isEqualTo(UpgradeMode.AUTOMATIC);
    assertThat(s.virtualMachineProfile().imageReference()).isEqualTo(ImageReference.ofUri("https://a/b.vhd"));
  }

  @Test
  void defaultsApplyWhenFieldsAreAbsentAndUnknownFieldsAreIgnored() {
    ScaleSet s = AzureJson.readScaleSet(minimalWith(",\"upgradePolicy\":{\"someFutureField\":1}"));
    assertThat(s.upgradePolicy().mode()).isEqualTo(UpgradeMode.MANUAL);
    assertThat(s.upgradePolicy().rollingUpgradePolicy().maxBatchInstancePercent()).isEqualTo(20);
    assertThat(s.upgradePolicy().rollingUpgradePolicy().healthTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void valuesAreNeverCoercedAndEveryProblemIsReportedWithItsPath() {
    String json = minimalWith(",\"upgradePolicy\":{\"mode\":\"Sideways\",\"rollingUpgradePolicy\":{"
        + "\"maxBatchInstancePercent\":\"20\",\"maxUnhealthyInstancePercent\":20.5,"
        + "\"maxUnhealthyUpgradedInstancePercent\":101,\"enableCrossZoneUpgrade\":\"true\","
        + "\"pauseTimeBetweenBatches\":\"5 minutes\"}}");
    assertThatThrownBy(() -> AzureJson.readScaleSet(json))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> {
          String p = "properties.upgradePolicy.rollingUpgradePolicy.";
          assertThat(e.violations()).containsExactly(
              new Violation("properties.upgradePolicy.mode", "\"Sideways\"", "must be one of Automatic, Manual, Rolling"),
              new Violation(p + "enableCrossZoneUpgrade", "\"true\"", "must be true or false"),
              new Violation(p + "maxBatchInstancePercent", "\"20\"", "must be a whole number"),
              new Violation(p + "maxUnhealthyInstancePercent", "20.5", "must be a whole number"),
              new Violation(p + "maxUnhealthyUpgradedInstancePercent", "101", "must be between 0 and 100"),
              new Violation(p + "pauseTimeBetweenBatches", "\"5 minutes\"",
                  "must be an ISO-8601 duration such as PT0S, PT30S or PT5M"));
        });
  }

  @Test
  void missingRequiredFieldsAreNamedOnceEach() {
    assertThatThrownBy(() -> AzureJson.readScaleSet("{\"properties\":{}}"))
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).extracting(Violation::path)
                .containsExactly("location", "name", "properties.virtualMachineProfile"));
    assertThatThrownBy(() -> AzureJson.readScaleSet(
            "{\"name\":\"a\",\"location\":\"b\",\"properties\":{\"virtualMachineProfile\":{}}}"))
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).extracting(Violation::path)
                .containsExactly("properties.virtualMachineProfile.storageProfile.imageReference"));
  }

  @Test
  void malformedJsonNamesLineAndColumn() {
    assertThatThrownBy(() -> AzureJson.readScaleSet("{\n  \"name\": \"a\",\n  \"location\" \"b\"\n}"))
        .isInstanceOfSatisfying(JsonSyntaxException.class, e -> {
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.column()).isEqualTo(14);
          assertThat(e.getMessage()).startsWith("not valid JSON at line 3, column 14");
        });
    assertThatThrownBy(() -> AzureJson.readScaleSet("")).isInstanceOf(JsonSyntaxException.class);
    assertThatThrownBy(() -> AzureJson.readScaleSet("{\"a\":1,\"a\":2}")).isInstanceOf(JsonSyntaxException.class);
  }

  @Test
  void aDocumentThatIsNotAnObjectIsReported() {
    assertThatThrownBy(() -> AzureJson.readScaleSet("42"))
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations().get(0).message()).isEqualTo("the scale set document must be a JSON object, got number"));
    // an array is not read as a list of fields: it is not a scale set at all
    assertThatThrownBy(() -> AzureJson.readScaleSet("[1, 2]"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).singleElement()
            .satisfies(v -> assertThat(v.message()).isEqualTo("the scale set document must be a JSON object, got an array")));
  }

  @Test
  void parserMessagesCarryNoParserInternalsAndABomIsSkipped() {
    assertThatThrownBy(() -> AzureJson.readScaleSet("{\"a\": [1, 2"))
        .isInstanceOfSatisfying(JsonSyntaxException.class, e -> assertThat(e.getMessage())
            .isEqualTo("not valid JSON at line 1, column 12: Unexpected end-of-input: expected close marker for Array "
                + "(opened at line 1, column 7)"));
    assertThatThrownBy(() -> AzureJson.readScaleSet("[".repeat(1200) + "]".repeat(1200)))
        .isInstanceOfSatisfying(JsonSyntaxException.class, e -> assertThat(e.getMessage())
            .isEqualTo("not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)"));
    assertThatThrownBy(() -> AzureJson.readScaleSet("\uFEFF{\"name\": \"x\"}"))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("location");
  }

  @Test
  void secretsAreMaskedUnlessAskedForAndNeverInErrors() {
    ScaleSet s = AzureJson.readScaleSet(resource("rolling-scale-set.json"));
    assertThat(AzureJson.write(s)).doesNotContain("not-a-real-key").contains("\"protectedSettings\" : \"***\"");
    assertThat(s.toString()).doesNotContain("not-a-real-key");
    assertThat(AzureJson.readScaleSet(AzureJson.write(s, SecretHandling.INCLUDED))).isEqualTo(s);

    String badSecret = resource("rolling-scale-set.json")
        .replace("{ \"workspaceKey\": \"not-a-real-key\" }", "\"not-a-real-key\"");
    assertThatThrownBy(() -> AzureJson.readScaleSet(badSecret))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("protectedSettings: must be a JSON object (got ***)")
        .hasMessageNotContaining("not-a-real-key");
  }

  @Test
  void writesEnumsAndDurationsAsAzureDoesAndReadsBackEqual() {
    ScaleSet s = AzureJson.readScaleSet(resource("rolling-scale-set.json"));
    String json = AzureJson.write(s, SecretHandling.INCLUDED);
    assertThat(json).contains("\"mode\" : \"Rolling\"").contains("\"pauseTimeBetweenBatches\" : \"PT0S\"")
        .contains("\"healthTimeout\" : \"PT5M\"");
    assertThat(AzureJson.readScaleSet(json)).isEqualTo(s);
  }
}
