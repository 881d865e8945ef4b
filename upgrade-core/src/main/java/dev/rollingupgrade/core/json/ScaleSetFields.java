package dev.rollingupgrade.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollingupgrade.api.validation.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields Azure's scale set schema (REST API 2024-11-01, plus the SDK's additions) knows,
 * where the SDK reads the document; finds the others. A field known but not looked into (such
 * as {@code osProfile.linuxConfiguration} or an extension's {@code settings}) may hold anything.
 */
final class ScaleSetFields {
  /** An object's known fields (a null shape: known, not looked into), or an array's element shape. */
  private record Shape(Map<String, Shape> fields, Shape items) {}

  private static final Shape ROLLING = object("maxBatchInstancePercent maxUnhealthyInstancePercent "
      + "maxUnhealthyUpgradedInstancePercent pauseTimeBetweenBatches enableCrossZoneUpgrade prioritizeUnhealthyInstances "
      + "rollbackFailedInstancesOnPolicyBreach maxSurge healthTimeout respectUpdateDomains");
  private static final Shape UPGRADE_POLICY = object("mode", "rollingUpgradePolicy", ROLLING,
      "automaticOSUpgradePolicy", object("enableAutomaticOSUpgrade disableAutomaticRollback useRollingUpgradePolicy "
          + "osRollingUpgradeDeferral"));
  private static final String EXTENSION_PROPERTIES = "forceUpdateTag publisher type typeHandlerVersion "
      + "autoUpgradeMinorVersion enableAutomaticUpgrade settings protectedSettings provisioningState "
      + "provisionAfterExtensions suppressFailures protectedSettingsFromKeyVault";
  // the SDK also reads them flattened, as `az` prints them (its name for properties.type: typePropertiesType)
  private static final Shape EXTENSION = object("name id typePropertiesType " + EXTENSION_PROPERTIES,
      "properties", object(EXTENSION_PROPERTIES));
  private static final Shape VM_PROFILE = object("securityProfile diagnosticsProfile licenseType priority "
          + "evictionPolicy billingProfile scheduledEventsProfile userData capacityReservation applicationProfile "
          + "hardwareProfile serviceArtifactReference securityPostureReference timeCreated",
      "osProfile", object("computerNamePrefix adminUsername adminPassword customData linuxConfiguration secrets "
          + "allowExtensionOperations requireGuestProvisionSignal", "windowsConfiguration",
          object("provisionVMAgent enableAutomaticUpdates timeZone additionalUnattendContent patchSettings winRM "
              + "enableVMAgentPlatformUpdates")),
      "storageProfile", object("osDisk dataDisks diskControllerType", "imageReference",
          object("publisher offer sku version exactVersion id sharedGalleryImageId communityGalleryImageId")),
      "networkProfile", object("networkInterfaceConfigurations networkApiVersion", "healthProbe", object("id")),
      "extensionProfile", object("extensionsTimeBudget", "extensions", new Shape(null, EXTENSION)));
  private static final String PROPERTIES = "scheduledEventsPolicy automaticRepairsPolicy provisioningState "
      + "overprovision doNotRunExtensionsOnOverprovisionedVMs uniqueId singlePlacementGroup zoneBalance "
      + "platformFaultDomainCount proximityPlacementGroup hostGroup additionalCapabilities scaleInPolicy "
      + "orchestrationMode spotRestorePolicy priorityMixPolicy timeCreated constrainedMaximumCapacity resiliencyPolicy "
      + "zonalPlatformFaultDomainAlignMode skuProfile highSpeedInterconnectPlacement";
  private static final Object[] PROPERTY_OBJECTS = {"upgradePolicy", UPGRADE_POLICY, "virtualMachineProfile", VM_PROFILE,
      "serviceFabricNodeType", object("durabilityLevel isStateless")};
  // `az vmss show` flattens "properties" into the resource and adds its resource group
  private static final Shape SCALE_SET = object("id name type location tags plan identity zones extendedLocation etag "
      + "managedBy placement systemData resourceGroup " + PROPERTIES, concat(PROPERTY_OBJECTS,
      "sku", object("name tier capacity"), "properties", object(PROPERTIES, PROPERTY_OBJECTS)));

  private ScaleSetFields() {}

  /** The unknown fields of a scale set document, in document order, each with the field meant when one is close. */
  static List<Violation> unknown(JsonNode document) {
    List<Violation> found = new ArrayList<>();
    walk(document, SCALE_SET, "", found);
    return found;
  }

  private static void walk(JsonNode node, Shape shape, String path, List<Violation> found) {
    if (shape == null) {
      return;
    }
    if (shape.items() != null) {
      for (int i = 0; node.isArray() && i < node.size(); i++) {
        walk(node.get(i), shape.items(), path + "[" + i + "]", found);
      }
      return;
    }
    if (!node.isObject()) {
      return; // a wrong type is the reader's problem to report
    }
    node.properties().forEach(field -> {
      String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      if (shape.fields().containsKey(field.getKey())) {
        walk(field.getValue(), shape.fields().get(field.getKey()), at, found);
      } else {
        String meant = closest(field.getKey(), shape.fields().keySet());
        found.add(new Violation(at, kindOf(field.getValue()),
            "unknown field, ignored" + (meant == null ? "" : "; did you mean " + meant + "?")));
      }
    });
  }

  /**
   * What an unknown field holds, without its content when that may be a secret: a misspelt
   * {@code protectedSettings} or {@code adminPassword} must not reach a terminal or a log.
   */
  private static String kindOf(JsonNode value) {
    if (value.isNumber() || value.isBoolean() || value.isNull()) {
      return Cursor.show(value);
    }
    return value.isTextual() ? "a string" : value.isArray() ? "an array" : "an object";
  }

  /** The known name a typo most likely meant: same but for case, a prefix, or a few edits away. */
  static String closest(String name, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int bestLengthGap = Integer.MAX_VALUE;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String k : known) {
      String kLower = k.toLowerCase(Locale.ROOT);
      int d = kLower.equals(lower) ? 0
          : lower.length() >= 4 && (kLower.startsWith(lower) || lower.startsWith(kLower)) ? 1
          : distance(lower, kLower);
      int gap = Math.abs(kLower.length() - lower.length()); // of two prefixes, the nearer one
      if (d < bestDistance || d == bestDistance && gap < bestLengthGap) {
        best = k;
        bestDistance = d;
        bestLengthGap = gap;
      }
    }
    return bestDistance <= Math.max(1, Math.min(3, name.length() / 4)) ? best : null;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** An object shape: names (space-separated) known but not looked into, then pairs of name and nested shape. */
  private static Shape object(String opaque, Object... nested) {
    Map<String, Shape> fields = new LinkedHashMap<>();
    for (String name : opaque.split(" ")) {
      fields.put(name, null);
    }
    for (int i = 0; i < nested.length; i += 2) {
      fields.put((String) nested[i], (Shape) nested[i + 1]);
    }
    return new Shape(fields, null);
  }

  private static Object[] concat(Object[] a, Object... b) {
    Object[] all = new Object[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
