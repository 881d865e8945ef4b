package dev.rollingupgrade.api;

import static dev.rollingupgrade.api.ScaleSetRequirements.AUTOMATIC_UPDATES;
import static dev.rollingupgrade.api.ScaleSetRequirements.BECAUSE;
import static dev.rollingupgrade.api.ScaleSetRequirements.PROFILE;

import dev.rollingupgrade.api.validation.Violations;
import java.util.List;
import java.util.Optional;

/**
 * The Service Fabric requirements of automatic OS image upgrades (Azure "Service Fabric
 * requirements"): durability Silver or Gold, or Bronze only for stateless node types; node
 * extension {@code typeHandlerVersion} 1.1 or later; the same durability in the cluster's node type
 * and the extension settings; {@code enableAutomaticUpdates=false}; no health source needed for
 * Silver and Gold, the application health extension (never a load balancer probe) for Bronze.
 * The node type comes from {@link ScaleSet#serviceFabricNodeType()}, which must then be given.
 */
final class ServiceFabricRequirements {
  static final String NODE_TYPE = "properties.serviceFabricNodeType";
  static final String MIN_HANDLER_VERSION = "1.1";
  private static final String EXTENSIONS = PROFILE + ".extensionProfile.extensions";
  private static final String LEVELS = "Bronze, Silver or Gold";

  private ServiceFabricRequirements() {}

  /**
   * Checks a node type is described only for a Service Fabric set and, with automatic OS upgrades
   * on, every Service Fabric rule. {@code healthReported}: the health source was already reported.
   */
  static void check(ScaleSet set, Violations v, boolean automaticOs, boolean healthReported) {
    Optional<ServiceFabricNodeType> nodeType = set.serviceFabricNodeType();
    if (!set.isServiceFabric()) {
      nodeType.ifPresent(n -> v.add(NODE_TYPE, describe(n), "describes a Service Fabric node type, but the model has "
          + "no Service Fabric node extension (" + Extension.SERVICE_FABRIC_PUBLISHER + " "
          + Extension.SERVICE_FABRIC_WINDOWS_TYPE + "|" + Extension.SERVICE_FABRIC_LINUX_TYPE + ")"
          + "; remove it or add the extension"));
      return;
    }
    if (!automaticOs) {
      return;
    }
    if (nodeType.isEmpty()) {
      v.add(NODE_TYPE, "null", "is required for a Service Fabric scale set" + BECAUSE
          + ": describe the cluster's node type, e.g. {\"durabilityLevel\": \"Silver\", \"isStateless\": false}");
    }
    nodeType.filter(n -> n.durabilityLevel() == ServiceFabricDurability.BRONZE && !n.isStateless())
        .ifPresent(n -> v.add(NODE_TYPE + ".durabilityLevel", "\"Bronze\"", "must be Silver or Gold" + BECAUSE
            + "; Bronze only for a stateless-only node type (isStateless true)"));
    List<Extension> extensions = set.virtualMachineProfile().extensionProfile().extensions();
    boolean windowsNode = false;
    for (int i = 0; i < extensions.size(); i++) {
      Extension e = extensions.get(i);
      if (e.isServiceFabricNodeExtension()) {
        checkExtension(EXTENSIONS + "[" + i + "].properties", e, nodeType, v);
        windowsNode |= Extension.SERVICE_FABRIC_WINDOWS_TYPE.equalsIgnoreCase(e.type());
      }
    }
    if (windowsNode && set.virtualMachineProfile().windowsConfiguration().isEmpty()) {
      // absent means Azure's default, Windows Update on
      v.add(AUTOMATIC_UPDATES, "null", "must be false" + BECAUSE + " on a Windows Service Fabric scale set ("
          + Extension.SERVICE_FABRIC_WINDOWS_TYPE + "); when absent, Azure turns Windows Update on");
    }
    checkHealthSource(set.virtualMachineProfile(), nodeType, v, healthReported);
  }

  private static void checkExtension(String path, Extension e, Optional<ServiceFabricNodeType> nodeType, Violations v) {
    String version = e.typeHandlerVersion();
    if (Extension.HANDLER_VERSION.matcher(version).matches() && Versions.compare(version, MIN_HANDLER_VERSION) < 0) {
      v.add(path + ".typeHandlerVersion", '"' + version + '"',
          "the Service Fabric node extension needs typeHandlerVersion " + MIN_HANDLER_VERSION + " or later" + BECAUSE);
    }
    Object level = e.settings().get(Extension.DURABILITY_LEVEL_SETTING);
    String levelPath = path + ".settings." + Extension.DURABILITY_LEVEL_SETTING;
    Optional<ServiceFabricDurability> durability = e.serviceFabricDurability();
    if (durability.isEmpty()) {
      v.add(levelPath, level instanceof String ? '"' + (String) level + '"' : String.valueOf(level),
          "must be " + LEVELS + ", the same as the cluster node type's durability" + BECAUSE);
    } else if (nodeType.isPresent() && nodeType.get().durabilityLevel() != durability.get()) {
      v.add(levelPath, '"' + (String) level + '"', "must equal the cluster node type's durability ("
          + NODE_TYPE + ".durabilityLevel is " + nodeType.get().durabilityLevel().azureName()
          + "); a mismatch makes upgrades fail. Allowed: " + LEVELS);
    }
  }

  private static void checkHealthSource(VirtualMachineProfile profile, Optional<ServiceFabricNodeType> nodeType,
      Violations v, boolean healthReported) {
    profile.healthProbe().ifPresent(p -> v.add(PROFILE + ".networkProfile.healthProbe", p.id(),
        "a load balancer health probe is not supported on a Service Fabric scale set" + BECAUSE
            + "; use the application health extension (Bronze stateless node types) or none (Silver, Gold)"));
    boolean bronzeStateless = nodeType.map(n -> n.durabilityLevel() == ServiceFabricDurability.BRONZE && n.isStateless())
        .orElse(false);
    // Silver and Gold need no health source: the cluster itself gates infrastructure updates
    if (bronzeStateless && !healthReported && profile.extensionProfile().healthExtensions().size() != 1) {
      v.add(PROFILE, profile.describeHealthSource(), "a Service Fabric node type with Bronze durability needs exactly one "
          + "application health extension (" + Extension.HEALTH_EXTENSION_PUBLISHER
          + " ApplicationHealthLinux|ApplicationHealthWindows) as health source" + BECAUSE);
    }
  }

  private static String describe(ServiceFabricNodeType n) {
    return "{durabilityLevel=" + n.durabilityLevel().azureName() + ", isStateless=" + n.isStateless() + "}";
  }
}
