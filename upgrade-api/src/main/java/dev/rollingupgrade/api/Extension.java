package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * A VM extension of the scale-set model (Azure {@code extensionProfile.extensions[]}).
 * Paths in violations are relative to the extension's JSON object ({@code name},
 * {@code properties.publisher}, ...). Immutable and thread-safe; {@link #protectedSettings()}
 * prints as {@code ***}.
 */
@Value.Immutable
public interface Extension {
  /** Publisher of Azure's application health extension. */
  String HEALTH_EXTENSION_PUBLISHER = "Microsoft.ManagedServices";

  /** Publisher of the Service Fabric node extension. */
  String SERVICE_FABRIC_PUBLISHER = "Microsoft.Azure.ServiceFabric";

  /** Type of the Service Fabric node extension on Windows. */
  String SERVICE_FABRIC_WINDOWS_TYPE = "ServiceFabricNode";

  /** Type of the Service Fabric node extension on Linux. */
  String SERVICE_FABRIC_LINUX_TYPE = "ServiceFabricLinuxNode";

  /** The Service Fabric node extension's setting that holds its {@link ServiceFabricDurability}. */
  String DURABILITY_LEVEL_SETTING = "durabilityLevel";

  /** {@code major.minor}, optionally with more numeric parts, e.g. {@code 2.1} or {@code 1.0.3}. */
  Pattern HANDLER_VERSION = Pattern.compile("\\d+(\\.\\d+){1,3}");

  /** A builder; name, publisher, type and typeHandlerVersion are required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Extension}; its checks run in {@code build()}. */
  final class Builder extends ImmutableExtension.Builder {
    Builder() {}
  }

  /** Unique name within the scale set. */
  String name();

  /** Extension publisher, e.g. {@code Microsoft.Azure.Monitor}. */
  String publisher();

  /** Extension type, e.g. {@code AzureMonitorLinuxAgent}. */
  String type();

  /** Installed version, {@code major.minor}, e.g. {@code 1.0}. */
  String typeHandlerVersion();

  /** Whether the newest minor version is picked at deployment; default false. */
  @Value.Default
  default boolean autoUpgradeMinorVersion() {
    return false;
  }

  /** Whether newer versions (same major) are rolled out automatically; default false. */
  @Value.Default
  default boolean enableAutomaticUpgrade() {
    return false;
  }

  /** Names of extensions that must be provisioned before this one. */
  List<String> provisionAfterExtensions();

  /** Public settings (JSON-like values: String, Number, Boolean, List, Map; no nulls). */
  Map<String, Object> settings();

  /** Secret settings; never printed. */
  @Value.Default
  default ProtectedSettings protectedSettings() {
    return ProtectedSettings.none();
  }

  /** Whether this is Azure's application health extension (a health source). */
  default boolean isApplicationHealthExtension() {
    String t = type().toLowerCase(Locale.ROOT);
    return HEALTH_EXTENSION_PUBLISHER.equalsIgnoreCase(publisher())
        && (t.equals("applicationhealthlinux") || t.equals("applicationhealthwindows"));
  }

  /**
   * Whether this is the Service Fabric node extension (publisher {@value #SERVICE_FABRIC_PUBLISHER},
   * type {@value #SERVICE_FABRIC_WINDOWS_TYPE} or {@value #SERVICE_FABRIC_LINUX_TYPE}, ignoring case):
   * its presence makes the scale set a Service Fabric node type.
   */
  default boolean isServiceFabricNodeExtension() {
    return SERVICE_FABRIC_PUBLISHER.equalsIgnoreCase(publisher())
        && (SERVICE_FABRIC_WINDOWS_TYPE.equalsIgnoreCase(type()) || SERVICE_FABRIC_LINUX_TYPE.equalsIgnoreCase(type()));
  }

  /**
   * The durability in {@code settings.durabilityLevel} when it names one of Bronze, Silver, Gold
   * (ignoring case); empty when the setting is absent or holds anything else.
   */
  default Optional<ServiceFabricDurability> serviceFabricDurability() {
    Object level = settings().get(DURABILITY_LEVEL_SETTING);
    return level instanceof String ? ServiceFabricDurability.fromAzureName((String) level) : Optional.empty();
  }

  /** The major part of {@link #typeHandlerVersion()}. */
  default int majorVersion() {
    return Integer.parseInt(typeHandlerVersion().substring(0, typeHandlerVersion().indexOf('.')));
  }

  /** Checks names and the version format. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("Extension");
    v.notBlank("name", name());
    v.notBlank("properties.publisher", publisher());
    v.notBlank("properties.type", type());
    if (!HANDLER_VERSION.matcher(typeHandlerVersion()).matches()) {
      v.add("properties.typeHandlerVersion", '"' + typeHandlerVersion() + '"',
          "must be major.minor such as 1.0 or 2.1");
    }
    for (int i = 0; i < provisionAfterExtensions().size(); i++) {
      if (provisionAfterExtensions().get(i).equals(name())) {
        v.add("properties.provisionAfterExtensions[" + i + "]", '"' + name() + '"',
            "an extension cannot be provisioned after itself");
      }
    }
    v.throwIfAny();
  }
}
