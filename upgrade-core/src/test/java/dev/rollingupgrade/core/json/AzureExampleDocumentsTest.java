package dev.rollingupgrade.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reads the real Azure REST example documents of {@code ../shared/azure-examples/} (skipped when
 * the folder is not there, e.g. on a machine with only this repository).
 */
class AzureExampleDocumentsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Optional<Path> examples() {
    String configured = System.getProperty("azure.examples.dir");
    if (configured != null) {
      return Optional.of(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("azure-examples");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static JsonNode example(String file) throws IOException {
    Optional<Path> dir = examples();
    assumeTrue(dir.isPresent() && Files.exists(dir.get().resolve(file)), "Azure example documents not present");
    return MAPPER.readTree(dir.get().resolve(file).toFile());
  }

  @Test
  void updateBodyReportsEveryProblemIncludingTheBadPause() throws IOException {
    JsonNode body = example("VirtualMachineScaleSet_Update_MaximumSet_Gen.json").path("parameters").path("parameters");
    assertThatThrownBy(() -> AzureJson.readScaleSet(body.toString()))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .extracting(Violation::path)
            .contains("properties.upgradePolicy.rollingUpgradePolicy.pauseTimeBetweenBatches",
                "properties.upgradePolicy.rollingUpgradePolicy.maxSurge",
                "properties.virtualMachineProfile.storageProfile.imageReference",
                "properties.virtualMachineProfile.osProfile.windowsConfiguration.enableAutomaticUpdates",
                "properties.virtualMachineProfile.extensionProfile.extensions[0].properties.typeHandlerVersion"));
  }

  @Test
  void updateBodyWithItsGeneratedPlaceholdersFixedReadsTheAzureValues() throws IOException {
    ObjectNode body = (ObjectNode) example("VirtualMachineScaleSet_Update_MaximumSet_Gen.json")
        .path("parameters").path("parameters").deepCopy();
    body.put("name", "vmss").put("location", "westeurope");
    ObjectNode props = (ObjectNode) body.get("properties");
    ObjectNode rolling = (ObjectNode) props.path("upgradePolicy").path("rollingUpgradePolicy");
    rolling.put("pauseTimeBetweenBatches", "PT10S").put("maxSurge", false);
    ((ObjectNode) props.path("upgradePolicy").path("automaticOSUpgradePolicy")).put("osRollingUpgradeDeferral", false);
    ObjectNode profile = (ObjectNode) props.get("virtualMachineProfile");
    ObjectNode image = (ObjectNode) profile.path("storageProfile").path("imageReference");
    image.remove(List.of("id", "sharedGalleryImageId"));
    ((ObjectNode) profile.path("storageProfile").path("osDisk")).remove("image");
    ((ObjectNode) profile.path("osProfile").path("windowsConfiguration")).put("enableAutomaticUpdates", false);
    ObjectNode ext = (ObjectNode) profile.path("extensionProfile").path("extensions").get(0).path("properties");
    ext.put("typeHandlerVersion", "1.0").putArray("provisionAfterExtensions");

    var set = AzureJson.readScaleSet(body.toString());
    assertThat(set.capacity()).isEqualTo(7);
    assertThat(set.zones()).containsExactly("1", "2", "3");
    assertThat(set.upgradePolicy().rollingUpgradePolicy().maxBatchInstancePercent()).isEqualTo(49);
    assertThat(set.upgradePolicy().rollingUpgradePolicy().maxUnhealthyInstancePercent()).isEqualTo(81);
    assertThat(set.upgradePolicy().rollingUpgradePolicy().maxUnhealthyUpgradedInstancePercent()).isEqualTo(98);
    assertThat(set.upgradePolicy().rollingUpgradePolicy().enableCrossZoneUpgrade()).isTrue();
    assertThat(set.virtualMachineProfile().healthProbe()).isPresent();
    assertThat(AzureJson.readScaleSet(AzureJson.write(set, SecretHandling.INCLUDED))).isEqualTo(set);
  }

  @Test
  void latestRollingUpgradeMaximumSetNamesItsBadPolicyPause() throws IOException {
    JsonNode body = example("VirtualMachineScaleSetRollingUpgrade_GetLatest_MaximumSet_Gen.json")
        .path("responses").path("200").path("body");
    assertThatThrownBy(() -> AzureJson.readRollingUpgradeStatus(body.toString()))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .extracting(Violation::path)
            .containsExactly("properties.policy.maxSurge", "properties.policy.pauseTimeBetweenBatches"));

    ObjectNode fixed = body.deepCopy();
    ((ObjectNode) fixed.path("properties").path("policy")).put("pauseTimeBetweenBatches", "PT1M").put("maxSurge", false);
    RollingUpgradeStatus status = AzureJson.readRollingUpgradeStatus(fixed.toString());
    assertThat(status.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.ROLLING_FORWARD);
    assertThat(status.runningStatus().orElseThrow().startTime()).contains(Instant.parse("2021-11-30T13:06:23.362Z"));
    assertThat(status.progress().orElseThrow().total()).isEqualTo(6 + 25 + 20 + 27);
    assertThat(status.error().orElseThrow().details()).hasSize(1);
    assertThat(AzureJson.readRollingUpgradeStatus(AzureJson.write(status))).isEqualTo(status);
  }

  @Test
  void latestRollingUpgradeMinimumSetReadsAsEmpty() throws IOException {
    JsonNode body = example("VirtualMachineScaleSetRollingUpgrade_GetLatest_MinimumSet_Gen.json")
        .path("responses").path("200").path("body");
    RollingUpgradeStatus status = AzureJson.readRollingUpgradeStatus(body.toString());
    assertThat(status).isEqualTo(RollingUpgradeStatus.builder().build());
  }

  @Test
  void osUpgradeHistoryDocumentsRead() throws IOException {
    JsonNode min = example("VirtualMachineScaleSet_GetOSUpgradeHistory_MinimumSet_Gen.json")
        .path("responses").path("200").path("body");
    assertThat(AzureJson.readHistory(min.toString())).containsExactly(UpgradeHistoryEntry.builder().build());

    JsonNode max = example("VirtualMachineScaleSet_GetOSUpgradeHistory_MaximumSet_Gen.json")
        .path("responses").path("200").path("body");
    // the generated document gives four image forms at once; the rest must read as Azure wrote it
    assertThatThrownBy(() -> AzureJson.readHistory(max.toString()))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .extracting(Violation::path).containsExactly("value[0].properties.targetImageReference"));
    ObjectNode fixed = max.deepCopy();
    ((ObjectNode) fixed.path("value").get(0).path("properties").path("targetImageReference"))
        .remove(List.of("id", "sharedGalleryImageId"));
    List<UpgradeHistoryEntry> history = AzureJson.readHistory(fixed.toString());
    UpgradeHistoryEntry entry = history.get(0);
    assertThat(entry.startedBy()).contains(UpgradeOperationInvoker.UNKNOWN);
    assertThat(entry.runningStatus().orElseThrow().endTime()).contains(Instant.parse("2021-11-30T13:05:40.443Z"));
    assertThat(entry.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(12);
    assertThat(entry.rollbackInfo().orElseThrow().rollbackError().orElseThrow().code()).contains("aaaaaaa");
    assertThat(entry.targetImageReference().orElseThrow().exactVersion()).contains("aaaaaaa");
    assertThat(AzureJson.readHistory(AzureJson.writeHistory(history))).isEqualTo(history);
  }

  @Test
  void instanceViewStatusesGiveDomainsAndStates() throws IOException {
    JsonNode view = example("VirtualMachineScaleSetVM_Get_InstanceViewAutoPlacedOnDedicatedHostGroup.json")
        .path("responses").path("200").path("body");
    ObjectNode vm = MAPPER.createObjectNode().put("instanceId", "0");
    vm.putObject("properties").set("instanceView", view);
    List<Instance> instances = AzureJson.readInstances("[" + vm + "]");
    assertThat(instances.get(0).powerState()).isEqualTo(PowerState.RUNNING);
    assertThat(instances.get(0).provisioningState()).isEqualTo(ProvisioningState.SUCCEEDED);
    assertThat(instances.get(0).platformUpdateDomain()).isZero();
  }
}
