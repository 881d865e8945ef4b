package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.json.JsonSyntaxException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code validate FILE}: a preflight of a scale set model (Azure JSON) before upgrades are
 * enabled. Prints one {@code <json path>: <message>} line per problem and exits 1, or prints
 * {@code ok} with what the model will do and exits 0; exits 2 when the file cannot be read or
 * is not JSON.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a scale set JSON document (Azure shape) before enabling upgrades.")
final class ValidateCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "scale set JSON, as `az vmss show` or the REST API returns it")
  private Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String json;
    try {
      json = Files.readString(file);
    } catch (IOException e) {
      err.println("cannot read " + file + ": "
          + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
      return 2;
    }
    ScaleSet scaleSet;
    try {
      scaleSet = AzureJson.readScaleSet(json);
    } catch (JsonSyntaxException e) {
      err.println(file + ": " + e.getMessage());
      return 2;
    } catch (InvalidModelException e) {
      for (Violation v : e.violations()) {
        out.println((v.path().isEmpty() ? "(document)" : v.path()) + ": " + v.message() + " (got " + v.value() + ")");
      }
      out.println(e.violations().size() + (e.violations().size() == 1 ? " problem" : " problems") + " in " + file);
      return 1;
    }
    out.println("ok: " + describe(scaleSet));
    return 0;
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
        s.virtualMachineProfile().describeHealthSource());
  }
}
