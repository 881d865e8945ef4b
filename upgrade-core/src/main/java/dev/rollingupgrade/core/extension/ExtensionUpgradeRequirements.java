package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The requirements of automatic extension upgrades, all reported together with JSON paths: an
 * extension with {@code enableAutomaticUpgrade} must be on the {@link SupportedExtensions} list,
 * and the scale set must not be a Service Fabric node type (Azure does not support automatic
 * extension upgrades there). The list is replaceable, so this is checked here rather than when the
 * model is built. Stateless and thread-safe.
 */
public final class ExtensionUpgradeRequirements {
  private static final String EXTENSIONS = "properties.virtualMachineProfile.extensionProfile.extensions";

  private ExtensionUpgradeRequirements() {}

  /** JSON path of extension number {@code index}'s {@code enableAutomaticUpgrade}. */
  public static String path(int index) {
    return EXTENSIONS + "[" + index + "].properties.enableAutomaticUpgrade";
  }

  /** Every violation of {@code set} against {@code supported}; none when no extension opts in. */
  public static List<Violation> check(ScaleSet set, SupportedExtensions supported) {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(supported, "supported");
    List<Violation> found = new ArrayList<>();
    List<Extension> extensions = set.virtualMachineProfile().extensionProfile().extensions();
    for (int i = 0; i < extensions.size(); i++) {
      Extension e = extensions.get(i);
      if (!e.enableAutomaticUpgrade()) {
        continue;
      }
      if (!supported.supports(e)) {
        found.add(new Violation(path(i), "true", "extension " + e.name() + " (" + e.publisher() + "/" + e.type()
            + ") does not support automatic upgrade; supported: " + supported + ". The list grows over time and is "
            + "replaceable: pass SupportedExtensions.defaults().with(publisher, type) (validate: --supported-extension "
            + "PUBLISHER:TYPE)"));
      }
      if (set.isServiceFabric()) {
        found.add(new Violation(path(i), "true", "automatic extension upgrades are not supported on Service Fabric "
            + "scale sets (properties.serviceFabricNodeType is set)"));
      }
    }
    return List.copyOf(found);
  }

  /**
   * Throws when {@link #check} finds anything.
   *
   * @throws InvalidModelException with every violation
   */
  public static void require(ScaleSet set, SupportedExtensions supported) {
    List<Violation> found = check(set, supported);
    if (!found.isEmpty()) {
      throw new InvalidModelException("ScaleSet", found);
    }
  }
}
