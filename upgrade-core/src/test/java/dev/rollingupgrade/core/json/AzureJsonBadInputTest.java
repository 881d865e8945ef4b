package dev.rollingupgrade.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Documents users really have, and broken ones: request bodies, typos, lists without items, parser messages. */
class AzureJsonBadInputTest {
  private static final String EXAMPLE = AzureJsonScaleSetTest.resource("rolling-scale-set.json");

  @Test
  void aRequestBodyWithoutANameReadsUnderTheNameGiven() {
    String body = EXAMPLE.replace("\"name\": \"web-vmss\",", "");
    assertThat(body).isNotEqualTo(EXAMPLE);
    assertThat(AzureJson.readScaleSet(body, "from-the-url").name()).isEqualTo("from-the-url");
    assertThat(AzureJson.readScaleSet(EXAMPLE, "from-the-url").name()).isEqualTo("web-vmss");
    // where no name is given, the library still needs one
    assertThatThrownBy(() -> AzureJson.readScaleSet(body)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.violations()).extracting(Violation::path).containsExactly("name"));
  }

  @Test
  void unknownFieldsAreFoundWithTheirPathsAndTheFieldMeant() {
    String json = EXAMPLE.replace("\"maxBatchInstancePercent\"", "\"maxBatchInstancePerc\"")
        .replace("\"mode\": \"Rolling\"", "\"Mode\": \"Rolling\"")
        .replace("\"capacity\": 20", "\"capacity\": 20, \"size\": 3")
        .replace("\"typeHandlerVersion\": \"2.0\"", "\"typeHandlerVersion\": \"2.0\", \"enableAutomaticUpgrades\": true");
    assertThat(AzureJson.unknownFields(json)).containsExactly(
        new Violation("sku.size", "3", "unknown field, ignored"),
        new Violation("properties.upgradePolicy.Mode", "a string", "unknown field, ignored; did you mean mode?"),
        new Violation("properties.upgradePolicy.rollingUpgradePolicy.maxBatchInstancePerc", "20",
            "unknown field, ignored; did you mean maxBatchInstancePercent?"),
        new Violation("properties.virtualMachineProfile.extensionProfile.extensions[0].properties.enableAutomaticUpgrades",
            "true", "unknown field, ignored; did you mean enableAutomaticUpgrade?"));
    assertThat(AzureJson.unknownFields(EXAMPLE)).isEmpty();
  }

  /** Review of issue 17: a misspelt secret field must not be printed with its value. */
  @Test
  void anUnknownFieldNeverShowsAStringOrObjectItHolds() {
    String json = EXAMPLE.replace("\"typeHandlerVersion\": \"2.0\"",
        "\"typeHandlerVersion\": \"2.0\", \"protectedSetings\": {\"workspaceKey\": \"S3CRET-KEY\"}, "
            + "\"protectedSettingsFromKeyVaul\": {\"secretUrl\": \"S3CRET-URL\"}, \"adminPasword\": \"S3CRET-PW\"");
    List<Violation> found = AzureJson.unknownFields(json);
    assertThat(found).extracting(Violation::path).hasSize(3);
    assertThat(found.toString()).doesNotContain("S3CRET");
    assertThat(found).extracting(Violation::message).containsExactly(
        "unknown field, ignored; did you mean protectedSettings?",
        "unknown field, ignored; did you mean protectedSettingsFromKeyVault?",
        "unknown field, ignored");
  }

  @Test
  void partsTheSdkDoesNotReadAndTheFlattenedAzShapeRaiseNoWarning() {
    String az = """
        {"name": "web", "location": "westeurope", "resourceGroup": "rg", "provisioningState": "Succeeded",
         "upgradePolicy": {"mode": "Manual"}, "uniqueId": "x", "orchestrationMode": "Uniform",
         "virtualMachineProfile": {
           "osProfile": {"computerNamePrefix": "web", "linuxConfiguration": {"anything": {"at": "all"}}},
           "networkProfile": {"networkInterfaceConfigurations": [{"whatever": 1}]},
           "storageProfile": {"imageReference": {"publisher": "p", "offer": "o", "sku": "s", "version": "1"},
                              "osDisk": {"createOption": "FromImage", "newField": 1}},
           "extensionProfile": {"extensions": [{"name": "h", "publisher": "p", "type": "Microsoft.Compute/virtualMachineScaleSets/extensions", "typePropertiesType": "t",
             "typeHandlerVersion": "1.0", "settings": {"free": {"form": true}}}]}}}
        """;
    assertThat(AzureJson.unknownFields(az)).isEmpty();
  }

  @Test
  void azuresOwnExampleWithEveryFieldRaisesNoWarning() throws IOException {
    Path example = AzureExampleDocumentsTest.examples().orElse(Path.of("none"))
        .resolve("VirtualMachineScaleSet_Update_MaximumSet_Gen.json");
    assumeTrue(Files.exists(example), "Azure example documents not present");
    JsonNode body = new ObjectMapper().readTree(example.toFile()).path("parameters").path("parameters");
    assertThat(AzureJson.unknownFields(body.toString())).isEmpty();
  }

  @Test
  void theFieldMeantIsOnlySuggestedWhenClose() {
    Set<String> known = Set.of("mode", "rollingUpgradePolicy", "automaticOSUpgradePolicy");
    assertThat(ScaleSetFields.closest("rollingUpgradePolcy", known)).isEqualTo("rollingUpgradePolicy");
    assertThat(ScaleSetFields.closest("MODE", known)).isEqualTo("mode");
    assertThat(ScaleSetFields.closest("automaticOSUpgrade", known)).isEqualTo("automaticOSUpgradePolicy");
    assertThat(ScaleSetFields.closest("colour", known)).isNull();
  }

  @Test
  void aListDocumentWithoutItsValueArrayIsAProblemNotAnEmptyList() {
    for (String json : List.of("{}", "{\"valu\": []}", EXAMPLE)) {
      assertThatThrownBy(() -> AzureJson.readInstances(json)).as(json).isInstanceOfSatisfying(InvalidModelException.class,
          e -> {
            assertThat(e.violations()).hasSize(1);
            assertThat(e.violations().get(0).path()).isEqualTo("value");
            assertThat(e.violations().get(0).message()).startsWith("no `value` array");
          });
      assertThatThrownBy(() -> AzureJson.readHistory(json)).isInstanceOf(InvalidModelException.class);
    }
    assertThatThrownBy(() -> AzureJson.readInstances("{\"valu\": []}")).hasMessageContaining("the document has valu");
    assertThat(AzureJson.readInstances("[]")).isEmpty();
    assertThat(AzureJson.readInstances("{\"value\": []}")).isEmpty();
  }

  @Test
  void parserMessagesArePlainWords() {
    List<String> broken = List.of("{} {}", "{/* c */}", "{\"a\": NaN}", "{\"a\": [1, 2", "[1}", "{\"a\": +1}",
        "\u001b", "{\"a\": \"x\u0001\"}");
    for (String json : broken) {
      assertThatThrownBy(() -> AzureJson.checkSyntax(json)).as(json).isInstanceOf(JsonSyntaxException.class)
          .message().startsWith("not valid JSON at line 1, column ")
          .doesNotContain("Source", "REDACTED", "`", "Feature", "FAIL_ON", "ALLOW_", "fasterxml", "JsonNode", "CTRL-CHAR");
    }
    assertThatThrownBy(() -> AzureJson.checkSyntax("{\"a\": [1, 2")).hasMessageEndingWith(
        "Unexpected end-of-input: expected close marker for Array (opened at line 1, column 7)");
    assertThatThrownBy(() -> AzureJson.checkSyntax("[1}")).hasMessageEndingWith(
        "Unexpected close marker '}': expected ']' (for the Array opened at line 1, column 1)");
    assertThatThrownBy(() -> AzureJson.checkSyntax("\u001b")).hasMessageContaining("(control character U+001B)");
    assertThatThrownBy(() -> AzureJson.checkSyntax("{\"a\": NaN}")).hasMessageEndingWith("NaN is not a JSON number");
  }

  @Test
  void numbersOutOfRangeAreShownAsSuchNeverAsInfinity() {
    assertThatThrownBy(() -> AzureJson.readRollingUpgradePolicy("{\"maxBatchInstancePercent\": 1e309}"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).containsExactly(
            new Violation("maxBatchInstancePercent", "a number too large for a double", "must be a whole number")));
    String huge = EXAMPLE.replace("\"capacity\": 20", "\"capacity\": 99999999999999999999");
    assertThatThrownBy(() -> AzureJson.readScaleSet(huge)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.violations()).containsExactly(new Violation("sku.capacity", "99999999999999999999",
            "is out of range: a whole number from -9223372036854775808 to 9223372036854775807")));
    String max = EXAMPLE.replace("\"capacity\": 20", "\"capacity\": 9223372036854775807");
    assertThatThrownBy(() -> AzureJson.readScaleSet(max)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.violations()).containsExactly(new Violation("sku.capacity", "9223372036854775807",
            "must be between 0 and " + ScaleSet.MAX_CAPACITY)));
  }

  /** Review of issue 17: an instance list with one id twice planned that instance into two batches. */
  @Test
  void anInstanceListWithAnIdTwiceIsAProblemNamingBoth() {
    String list = "{\"value\": [{\"instanceId\": \"0\"}, {\"instanceId\": \"1\"}, {\"instanceId\": \"0\"}]}";
    assertThatThrownBy(() -> AzureJson.readInstances(list)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.violations()).extracting(Violation::path, Violation::message)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("value[2].instanceId",
                "duplicate instance id, also at value[0]")));
  }
}
