package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.core.auto.PhasePlanner;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.json.JsonFile;
import dev.rollingupgrade.core.json.JsonSyntaxException;
import dev.rollingupgrade.core.plan.Batch;
import dev.rollingupgrade.core.plan.BatchPlanner;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.plan.UpgradePlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plan}: prints the batches a rolling upgrade would run (a dry run), one a line with why
 * it is cut there, and ends with {@code batches: <count>}. Either on a synthetic fleet (instance
 * {@code i} in zone {@code (i mod Z) + 1}, update domain {@code (i div Z) mod U}, the first K
 * unhealthy) or on a real model and instance list (Azure JSON). With {@code --rollout}, prints
 * the phases of a multi-region rollout instead, one plan per image. Exits 1 when a file holds an
 * invalid document (each problem listed under the option and file it came from), 2 on bad usage
 * or a file that cannot be read or is not JSON.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the batches of a rolling upgrade (dry run), each with why it is cut there.",
        "With --rollout FILE: print the phases, regions and waves of a multi-region rollout, each with why it is there;"
            + " try samples/rollouts/six-regions.json (six regions in three geo pairs)."})
final class PlanCommand implements Callable<Integer> {
  private static final int MAX_INSTANCES = 10_000_000;
  private static final int SHOWN_IDS = 8;

  @Spec
  private CommandSpec spec;

  @Option(names = "--instances", paramLabel = "N", description = "synthetic fleet size, 1..10000000")
  private Integer instances;

  @Option(names = "--zones", paramLabel = "Z", description = "availability zones, 1..99 (default: ${DEFAULT-VALUE})", defaultValue = "1")
  private int zones;

  @Option(names = "--update-domains", paramLabel = "U", description = "update domains, 1..1000 (default: ${DEFAULT-VALUE})", defaultValue = "5")
  private int updateDomains;

  @Option(names = "--max-batch-percent", paramLabel = "P", description = "maxBatchInstancePercent, 5..100 (default: 20)")
  private Integer maxBatchPercent;

  @Option(names = "--max-unhealthy-percent", paramLabel = "P", description = "maxUnhealthyInstancePercent, 5..100 (default: 20)")
  private Integer maxUnhealthyPercent;

  @Option(names = "--unhealthy", paramLabel = "K", description = "the first K instances are unhealthy, 0..N (default: 0)")
  private Integer unhealthy;

  @Option(names = "--cross-zone", description = "enableCrossZoneUpgrade")
  private boolean crossZone;

  @Option(names = "--prioritize-unhealthy", description = "prioritizeUnhealthyInstances")
  private boolean prioritizeUnhealthy;

  @Option(names = "--ignore-update-domains", description = "respectUpdateDomains=false: a batch may span update domains")
  private boolean ignoreUpdateDomains;

  @Option(names = "--file", paramLabel = "SCALESET.json", description = "plan a real scale set (Azure JSON); needs --instances-file")
  private Path file;

  @Option(names = "--instances-file", paramLabel = "INSTANCES.json",
      description = "its instances (Azure VM list JSON); healthy = running and provisioned, at target = latestModelApplied")
  private Path instancesFile;

  @Option(names = "--rollout", paramLabel = "ROLLOUT.json",
      description = "plan the phases of a multi-region rollout: {\"regionPairs\": [[\"eastus\",\"westus\"]], "
          + "\"scaleSets\": [{\"name\", \"location\", \"zones\", \"capacity\", \"imageReference\"}]}, "
          + "e.g. samples/rollouts/six-regions.json")
  private Path rollout;

  @Option(names = "--azure-pairs", description = "with --rollout: add the well-known Azure region pairs to the file's")
  private boolean azurePairs;

  @Option(names = "--first-phase-regions", paramLabel = "N", description = "with --rollout: regions in the canary phase (default: 1)")
  private Integer firstPhaseRegions;

  @Option(names = "--max-regions-per-phase", paramLabel = "N", description = "with --rollout: most regions in a phase (default: 8)")
  private Integer maxRegionsPerPhase;

  @Override
  public Integer call() {
    PrintWriter out = TerminalText.safe(spec.commandLine().getOut());
    PrintWriter err = TerminalText.safe(spec.commandLine().getErr());
    try {
      if (rollout != null || azurePairs || firstPhaseRegions != null || maxRegionsPerPhase != null) {
        return RolloutPlan.print(this::rolloutOptions, rollout, azurePairs, out, err);
      }
      Input input = file != null || instancesFile != null ? fromFiles() : synthetic();
      UpgradePlan plan = BatchPlanner.of(input.policy).plan(input.fleet);
      out.println("plan: " + input.description + ": " + plan.summary());
      for (Batch b : plan.batches()) {
        out.println("batch " + b.number() + ": " + b.reason() + ": " + ids(b.instanceIds()));
      }
      out.println("batches: " + plan.batches().size());
      return 0;
    } catch (BadArgument | JsonFile.Unreadable e) {
      err.println("plan: " + e.getMessage());
      return 2;
    } catch (BadFile e) {
      err.println("plan: " + e.getMessage());
      if (e.getCause() instanceof InvalidModelException invalid) {
        invalid.violations().forEach(v -> err.println("  " + v));
        return 1;
      }
      return 2;
    }
  }

  private record Input(List<InstanceSnapshot> fleet, RollingUpgradePolicy policy, String description) {}

  /** The phase planner the rollout options ask for; a usage error when they are mixed with others. */
  private PhasePlanner rolloutOptions() {
    if (rollout == null) {
      throw new BadArgument("--azure-pairs, --first-phase-regions and --max-regions-per-phase go with --rollout");
    }
    if (file != null || instancesFile != null || instances != null || unhealthy != null || maxBatchPercent != null
        || maxUnhealthyPercent != null || crossZone || prioritizeUnhealthy || ignoreUpdateDomains) {
      throw new BadArgument("--rollout plans phases from its file alone; drop the batch-plan options");
    }
    PhasePlanner planner = PhasePlanner.defaults();
    if (firstPhaseRegions != null) {
      range("--first-phase-regions", firstPhaseRegions, 1, 1000);
      planner = planner.firstPhaseRegions(firstPhaseRegions);
    }
    if (maxRegionsPerPhase != null) {
      range("--max-regions-per-phase", maxRegionsPerPhase, 1, 1000);
      planner = planner.maxRegionsPerPhase(maxRegionsPerPhase);
    }
    return planner;
  }

  private Input synthetic() {
    if (instances == null) {
      throw new BadArgument("give --instances N (a synthetic fleet) or --file with --instances-file (a real one)");
    }
    range("--instances", instances, 1, MAX_INSTANCES);
    range("--zones", zones, 1, 99);
    range("--update-domains", updateDomains, 1, 1000);
    int k = unhealthy == null ? 0 : unhealthy;
    range("--unhealthy", k, 0, instances);
    List<InstanceSnapshot> fleet = new ArrayList<>(instances);
    List<Optional<String>> zoneNames = new ArrayList<>();
    for (int z = 1; z <= zones; z++) {
      zoneNames.add(Optional.of(String.valueOf(z)));
    }
    for (int i = 0; i < instances; i++) {
      fleet.add(new InstanceSnapshot(String.valueOf(i), zoneNames.get(i % zones), (i / zones) % updateDomains,
          i < k ? HealthState.UNHEALTHY : HealthState.HEALTHY, true, false));
    }
    var policy = RollingUpgradePolicy.builder()
        .enableCrossZoneUpgrade(crossZone)
        .prioritizeUnhealthyInstances(prioritizeUnhealthy)
        .respectUpdateDomains(!ignoreUpdateDomains);
    if (maxBatchPercent != null) {
      range("--max-batch-percent", maxBatchPercent, 5, 100);
      policy.maxBatchInstancePercent(maxBatchPercent);
    }
    if (maxUnhealthyPercent != null) {
      range("--max-unhealthy-percent", maxUnhealthyPercent, 5, 100);
      policy.maxUnhealthyInstancePercent(maxUnhealthyPercent);
    }
    return new Input(fleet, policy.build(),
        instances + " synthetic instances over " + zones + " zones x " + updateDomains + " UDs, " + k + " unhealthy");
  }

  private Input fromFiles() {
    if (file == null || instancesFile == null) {
      throw new BadArgument("--file and --instances-file go together");
    }
    if (instances != null || unhealthy != null || maxBatchPercent != null || maxUnhealthyPercent != null
        || crossZone || prioritizeUnhealthy || ignoreUpdateDomains) {
      throw new BadArgument("with --file the policy and fleet come from the files; drop the synthetic-fleet options");
    }
    PrintWriter err = TerminalText.safe(spec.commandLine().getErr());
    ScaleSet set = parse("--file", file, json -> {
      for (Violation unknown : AzureJson.unknownFields(json)) { // a typo must not fall back to a default unseen
        err.println("warning: --file " + file + ": " + unknown);
      }
      return AzureJson.readScaleSet(json);
    });
    List<Instance> vms = parse("--instances-file", instancesFile, AzureJson::readInstances);
    List<InstanceSnapshot> fleet = new ArrayList<>(vms.size());
    for (Instance vm : vms) {
      boolean healthy = vm.powerState() == PowerState.RUNNING && vm.provisioningState() == ProvisioningState.SUCCEEDED;
      fleet.add(InstanceSnapshot.of(vm, healthy ? HealthState.HEALTHY : HealthState.UNHEALTHY, vm.latestModelApplied()));
    }
    return new Input(fleet, set.upgradePolicy().rollingUpgradePolicy(), "scale set " + set.name());
  }

  /** The document of {@code option}'s file; a problem names the option and the file. */
  private static <T> T parse(String option, Path path, Function<String, T> reader) {
    String json;
    try {
      json = JsonFile.read(path);
    } catch (JsonFile.Unreadable e) {
      throw new BadArgument(option + ": " + e.getMessage());
    }
    try {
      return reader.apply(json);
    } catch (JsonSyntaxException e) {
      throw new BadFile(option + " " + path + ": " + e.getMessage(), e);
    } catch (InvalidModelException e) {
      int n = e.violations().size();
      throw new BadFile(option + " " + path + ": " + n + (n == 1 ? " problem" : " problems") + ":", e);
    }
  }

  private static void range(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new BadArgument(option + " must be between " + min + " and " + max + " (got " + value + ")");
    }
  }

  private static String ids(List<String> ids) {
    if (ids.size() <= SHOWN_IDS) {
      return String.join(",", ids);
    }
    return String.join(",", ids.subList(0, SHOWN_IDS)) + ",... (+" + (ids.size() - SHOWN_IDS) + " more)";
  }

  /** A file of the plan that is not JSON (exit code 2) or not a valid document (its problems listed, exit code 1). */
  private static final class BadFile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadFile(String message, RuntimeException cause) {
      super(message, cause);
    }
  }

  /** A usage error: printed as one line, exit code 2. */
  static final class BadArgument extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadArgument(String message) {
      super(message);
    }
  }
}
