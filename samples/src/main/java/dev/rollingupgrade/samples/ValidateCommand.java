package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.ServiceFabricDurability;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.core.auto.OsUpgradeRequirements;
import dev.rollingupgrade.core.auto.SupportedImages;
import dev.rollingupgrade.core.auto.SupportedImages.PlatformSku;
import dev.rollingupgrade.core.extension.ExtensionUpgradeRequirements;
import dev.rollingupgrade.core.extension.SupportedExtensions;
import dev.rollingupgrade.core.extension.SupportedExtensions.ExtensionType;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.json.JsonFile;
import dev.rollingupgrade.core.json.JsonSyntaxException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code validate FILE}: a preflight of a scale set model (Azure JSON) before upgrades are
 * enabled. Prints one {@code <json path>: <message>} line per problem and exits 1, or prints
 * {@code ok} with what the model will do and exits 0; exits 2 when the file cannot be read (also
 * when larger than {@link JsonFile#MAX_BYTES}) or is not JSON. A field Azure's schema does not
 * know (a typo) is a warning on stderr, with its path, and no problem. A document without a name
 * (the body of a {@code PUT} or {@code PATCH} request: the name is in the URL) is checked as is,
 * or under {@code --name}. Besides the model's own checks, a platform image must be on the list of images
 * automatic OS upgrades support ({@link SupportedImages#defaults()} plus every
 * {@code --supported-image}), and an extension opted in to automatic upgrades must be one that
 * supports them ({@link SupportedExtensions#defaults()} plus every {@code --supported-extension}).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a scale set JSON document (Azure shape) before enabling upgrades.")
final class ValidateCommand implements Callable<Integer> {
  /** The name of a scale set read from a file without one and no {@code --name}: no Azure name has brackets. */
  private static final String UNNAMED = "(unnamed)";

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "scale set JSON, as `az vmss show` or the REST API returns it")
  private Path file;

  @Option(names = "--supported-image", paramLabel = "PUBLISHER:OFFER:SKU", converter = SkuConverter.class,
      description = "a platform image automatic OS upgrades support besides Azure's published list; repeatable")
  private List<PlatformSku> supportedImages = new ArrayList<>();

  @Option(names = "--supported-extension", paramLabel = "PUBLISHER:TYPE", converter = ExtensionTypeConverter.class,
      description = "an extension that supports automatic upgrade besides Azure's list; repeatable")
  private List<ExtensionType> supportedExtensions = new ArrayList<>();

  @Option(names = "--name", paramLabel = "NAME",
      description = "the scale set's name when the file has none: the body of a PUT or PATCH request, whose name is in the URL")
  private String name;

  @Override
  public Integer call() {
    PrintWriter out = TerminalText.safe(spec.commandLine().getOut());
    PrintWriter err = TerminalText.safe(spec.commandLine().getErr());
    String json;
    try {
      json = JsonFile.read(file);
    } catch (JsonFile.Unreadable e) {
      err.println(e.getMessage());
      return 2;
    }
    ScaleSet scaleSet;
    // a request body has no name (it is in the URL): it is checked under --name, or a stand-in no Azure name can be
    String nameIfAbsent = name != null ? name : UNNAMED;
    try {
      for (Violation unknown : AzureJson.unknownFields(json)) {
        err.println("warning: " + unknown);
      }
      scaleSet = AzureJson.readScaleSet(json, nameIfAbsent);
    } catch (JsonSyntaxException e) {
      err.println(file + ": " + e.getMessage());
      return 2;
    } catch (InvalidModelException e) {
      return report(out, e.violations());
    }
    if (!scaleSet.name().equals(nameIfAbsent) && name != null) {
      err.println("warning: --name " + name + " is ignored: the file names the scale set " + scaleSet.name());
    }
    SupportedImages supported = SupportedImages.defaults();
    for (PlatformSku sku : supportedImages) {
      supported = supported.with(sku);
    }
    SupportedExtensions extensions = SupportedExtensions.defaults();
    for (ExtensionType type : supportedExtensions) {
      extensions = extensions.with(type.publisher(), type.type());
    }
    List<Violation> unsupported = new ArrayList<>(OsUpgradeRequirements.check(scaleSet, supported));
    unsupported.addAll(ExtensionUpgradeRequirements.check(scaleSet, extensions));
    if (!unsupported.isEmpty()) {
      return report(out, unsupported);
    }
    out.println("ok: " + describe(scaleSet).replace("scale set " + UNNAMED + " ",
        "scale set without a name (a request body; --name names it) "));
    return 0;
  }

  /** One line per violation, then the count; exit code 1. */
  private int report(PrintWriter out, List<Violation> violations) {
    for (Violation v : violations) {
      out.println((v.path().isEmpty() ? "(document)" : v.path()) + ": " + v.message() + " (got " + v.value() + ")");
    }
    out.println(violations.size() + (violations.size() == 1 ? " problem" : " problems") + " in " + file);
    return 1;
  }

  /** What the model will do, in one line. */
  static String describe(ScaleSet s) {
    UpgradePolicy policy = s.upgradePolicy();
    RollingUpgradePolicy rolling = policy.rollingUpgradePolicy();
    long cap = Math.max(1, s.capacity() * rolling.maxBatchInstancePercent() / 100);
    return String.format("scale set %s in %s, mode %s, batch cap %d of %d instances (%d %%), "
            + "automatic OS upgrade %s, image %s, health source: %s",
        s.name(), s.location(), policy.mode().azureName(), cap, s.capacity(),
        rolling.maxBatchInstancePercent(),
        policy.automaticOSUpgradePolicy().enableAutomaticOSUpgrade() ? "on" : "off",
        s.virtualMachineProfile().imageReference().display(),
        s.virtualMachineProfile().describeHealthSource()) + serviceFabric(s) + automaticExtensions(s);
  }

  /** {@code , automatic extension upgrade on for agent, health} when any extension opts in, else empty. */
  private static String automaticExtensions(ScaleSet s) {
    List<String> names = s.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.enableAutomaticUpgrade()).map(e -> e.name()).toList();
    return names.isEmpty() ? "" : ", automatic extension upgrade on for " + String.join(", ", names);
  }

  /** {@code , Service Fabric durability Silver (stateful node type)} for a Service Fabric set, else empty. */
  private static String serviceFabric(ScaleSet s) {
    if (!s.isServiceFabric()) {
      return "";
    }
    if (s.serviceFabricNodeType().isPresent()) {
      return ", Service Fabric durability " + s.serviceFabricNodeType().get().durabilityLevel().azureName()
          + (s.serviceFabricNodeType().get().isStateless() ? " (stateless node type)" : " (stateful node type)");
    }
    // without a described node type only the extension's setting tells the durability
    return ", Service Fabric durability " + s.virtualMachineProfile().extensionProfile().serviceFabricDurability()
        .map(ServiceFabricDurability::azureName).orElse("unknown") + " (from the extension; node type not described)";
  }

  /** Parses {@code PUBLISHER:TYPE} for {@code --supported-extension}; a bad value is a usage error. */
  static final class ExtensionTypeConverter implements ITypeConverter<ExtensionType> {
    @Override
    public ExtensionType convert(String value) {
      try {
        return ExtensionType.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses {@code PUBLISHER:OFFER:SKU} for {@code --supported-image}; a bad value is a usage error. */
  static final class SkuConverter implements ITypeConverter<PlatformSku> {
    @Override
    public PlatformSku convert(String value) {
      try {
        return PlatformSku.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
