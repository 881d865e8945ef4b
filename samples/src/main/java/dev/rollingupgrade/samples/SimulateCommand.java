package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.testkit.sim.Simulation;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code simulate}: a seeded simulation of a rolling upgrade on a fake fleet. Prints a summary
 * and, as its very last line, {@code digest: <sha256>} over the final status and the ordered
 * upgrades and rollbacks: the same seed always gives the same digest, also when the host crashes
 * after batch K ({@code --crash-after-batch K}) and the run resumes from its file journal (kept in
 * the temporary directory; one that cannot be written is a usage error, exit code 2). With
 * {@code --json} the output is one JSON document and the digest line goes to stderr.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Simulate a rolling upgrade on a seeded fake fleet; the last line is a digest of the run.")
final class SimulateCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "single-set",
      description = "single-set (one rolling upgrade, the default), multi-region (automatic OS upgrades: six regions "
          + "in three geo pairs, two releases, the second breaking health in --failing-region) or extensions (automatic "
          + "extension upgrades: a scale set, an availability set and standalone VMs; a release that breaks health, "
          + "rolled back and retried), manual (the article's model update on a Manual set: get the model, change the "
          + "version, update it, upgrade update domain 0, then the rest; a heat map after each step) or another "
          + "os-update scenario")
  private String scenario;

  @Option(names = "--failing-region", paramLabel = "REGION", defaultValue = "westeurope",
      description = "multi-region: where the second release breaks health; the fleet sizes put that region in phase 2 "
          + "and another (not its geo pair) first as the canary (default: ${DEFAULT-VALUE})")
  private String failingRegion;

  @Option(names = "--instances", paramLabel = "N", description = "single-set: fleet size, 1..1000000 (required)")
  private Integer instances;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the fleet's faults and latencies (required; "
      + "the os-update scenarios such as manual default to 1)")
  private Long seed;

  @Option(names = "--fault-rate", paramLabel = "F", defaultValue = "0",
      description = "share of instances never healthy after their upgrade, 0..1 (default: ${DEFAULT-VALUE})")
  private double faultRate;

  @Option(names = "--zones", paramLabel = "Z", defaultValue = "3", description = "zones, 1..3 (default: ${DEFAULT-VALUE})")
  private int zones;

  @Option(names = "--update-domains", paramLabel = "U", defaultValue = "5",
      description = "update domains, 1..20 (default: ${DEFAULT-VALUE})")
  private int updateDomains;

  @Option(names = "--crash-after-batch", paramLabel = "K", defaultValue = "0",
      description = "crash the host right after batch K's driver calls; resume from a file journal (default: no crash)")
  private int crashAfterBatch;

  @Option(names = "--file-journal", description = "journal to a file (in a temporary folder) even without a crash, "
      + "as --crash-after-batch does; the default journals in memory")
  private boolean fileJournal;

  @Option(names = "--json", description = "print JSON instead of the summary (single-set: the final status in the Azure "
      + "shape); the output is one JSON document, the digest line goes to stderr")
  private boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    var given = spec.commandLine().getParseResult();
    if (ModelScenarios.NAMES.contains(scenario)) {
      for (String other : List.of("--instances", "--fault-rate", "--zones", "--update-domains", "--crash-after-batch",
          "--file-journal", "--failing-region")) {
        if (given.hasMatchedOption(other)) {
          spec.commandLine().getErr().println("simulate: " + other + " is not for the " + scenario + " scenario: it "
              + "walks the model update of the article on its own fleet (options: --seed, --json)");
          return 2;
        }
      }
      return ModelScenarios.run(scenario, seed == null ? 1 : seed, json, out, spec.commandLine().getErr());
    }
    if (seed == null) {
      spec.commandLine().getErr().println("simulate: --seed S is required (the same seed gives the same digest)");
      return 2;
    }
    if (scenario.equals("multi-region") || scenario.equals("extensions")) {
      for (String single : List.of("--instances", "--fault-rate", "--zones", "--update-domains", "--crash-after-batch",
          "--file-journal")) {
        if (given.hasMatchedOption(single)) {
          spec.commandLine().getErr().println("simulate: " + single + " is for the single-set scenario; the "
              + scenario + " scenario has its own fleet (options: --seed, --json"
              + (scenario.equals("multi-region") ? ", --failing-region)" : ")"));
          return 2;
        }
      }
      if (scenario.equals("extensions")) {
        if (given.hasMatchedOption("--failing-region")) {
          spec.commandLine().getErr().println("simulate: --failing-region is for --scenario multi-region");
          return 2;
        }
        return ExtensionReport.print(out, spec.commandLine().getErr(), seed, json);
      }
      return MultiRegionReport.print(out, spec.commandLine().getErr(), seed, failingRegion, json);
    }
    if (given.hasMatchedOption("--failing-region")) {
      spec.commandLine().getErr().println("simulate: --failing-region is for --scenario multi-region");
      return 2;
    }
    if (!scenario.equals("single-set")) {
      spec.commandLine().getErr().println(TerminalText.escape("simulate: --scenario must be single-set, multi-region, "
          + "extensions or one of " + String.join(", ", ModelScenarios.NAMES) + ", got " + scenario));
      return 2;
    }
    if (instances == null) {
      spec.commandLine().getErr().println("simulate: --instances N is required for the single-set scenario");
      return 2;
    }
    String bad = range("--instances", instances, 1, 1_000_000);
    bad = bad != null ? bad : range("--zones", zones, 1, 3);
    bad = bad != null ? bad : range("--update-domains", updateDomains, 1, 20);
    bad = bad != null ? bad : range("--crash-after-batch", crashAfterBatch, 0, Integer.MAX_VALUE);
    if (bad == null && !(faultRate >= 0 && faultRate <= 1)) { // NaN fails both
      bad = "--fault-rate must be between 0 and 1 (got " + (Double.isInfinite(faultRate) ? "a number too large" : faultRate)
          + ")";
    }
    if (bad != null) {
      spec.commandLine().getErr().println("simulate: " + bad);
      return 2;
    }
    faultRate = faultRate == 0 ? 0 : faultRate; // -0.0 is 0
    Simulation simulation = Simulation.builder().instances(instances).seed(seed).faultRate(faultRate).zones(zones)
        .updateDomains(updateDomains).crashAfterBatch(crashAfterBatch).fileJournal(fileJournal).build();
    Simulation.Result r;
    try {
      r = simulation.run();
    } catch (UncheckedIOException e) {
      // --crash-after-batch and --file-journal keep their file journal in the temporary directory
      spec.commandLine().getErr().println("simulate: " + e.getMessage()
          + " (--crash-after-batch keeps a journal in the temporary directory; choose another with "
          + "java -Djava.io.tmpdir=DIR -jar ...)");
      return 2;
    }
    if (json) {
      out.println(AzureJson.write(r.status()));
      spec.commandLine().getErr().println("digest: " + r.digest()); // stdout stays one JSON document
      return r.violations().isEmpty() ? 0 : 1;
    } else {
      RollingUpgradeProgress p = r.status().progress().orElseThrow();
      var rollback = r.history().rollbackInfo().orElseThrow();
      out.println("simulation: " + instances + " instances, " + zones + " zones x " + updateDomains + " UDs, seed "
          + seed + ", fault rate " + faultRate);
      out.println("status: " + r.status().runningStatus().orElseThrow().code().orElseThrow().azureName()
          + r.status().error().map(e -> " (" + e.code().orElse("") + ": " + e.message().orElse("") + ")").orElse(""));
      out.println("instances: " + p.successfulInstanceCount() + " succeeded, " + p.failedInstanceCount() + " failed, "
          + p.inProgressInstanceCount() + " in progress, " + p.pendingInstanceCount() + " pending; "
          + rollback.successfullyRolledbackInstanceCount() + " rolled back, "
          + rollback.failedRolledbackInstanceCount() + " rollbacks failed");
      out.println("batches: " + r.batches());
      if (crashAfterBatch > 0) {
        out.println("crash: " + (r.crashed() ? "the host crashed after batch " + crashAfterBatch
            + "'s driver calls; the run resumed from its file journal" : "none: the run had fewer than "
            + crashAfterBatch + " batches"));
      }
      out.println("virtual duration: " + QuickstartCommand.clock(r.virtualDuration()) + " (computed in "
          + r.wallTime().toMillis() + " ms)");
      out.println("invariants: " + (r.violations().isEmpty() ? "all obeyed"
          : r.violations().size() + " broken:\n  " + String.join("\n  ", r.violations())));
    }
    out.println("digest: " + r.digest());
    return r.violations().isEmpty() ? 0 : 1;
  }

  /** A usage error naming {@code option} when {@code value} is outside {@code min..max}, else null. */
  private static String range(String option, int value, int min, int max) {
    return value < min || value > max
        ? option + (max == Integer.MAX_VALUE ? " must be " + min + " or more" : " must be between " + min + " and " + max)
            + " (got " + value + ")"
        : null;
  }
}
