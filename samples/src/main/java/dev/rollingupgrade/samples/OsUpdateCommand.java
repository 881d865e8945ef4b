package dev.rollingupgrade.samples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code os-update SCENARIO}: one scenario of the seed article "Upgrade a virtual machine scale
 * set" on a fake fleet in virtual time, printed step by step with the heat map after each step.
 * See {@link ModelScenarios}.
 */
@Command(name = "os-update", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Walk one OS update scenario of the article \"Upgrade a virtual machine scale set\": get the model, "
        + "change it, update it, and see what the upgrade mode moves (a heat map after each step, one row per "
        + "update domain).",
        "Scenarios: platform-version (Rolling, 5 instances: one at a time), platform-sku, custom-image-uri, "
            + "managed-image (Rolling), manual (Manual: update domain 0, then the chosen instances), automatic "
            + "(Automatic: every instance at once, with a downtime warning), in-guest-patching (refused: exit 2)."})
final class OsUpdateCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "one of: ${COMPLETION-CANDIDATES}",
      completionCandidates = Names.class)
  private String scenario;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "seed of the fleet's latencies (default: ${DEFAULT-VALUE})")
  private long seed;

  @Option(names = "--json", description = "print one JSON document (the steps with their heat maps, the runs' "
      + "statuses); the digest line goes to stderr")
  private boolean json;

  @Override
  public Integer call() {
    if (!ModelScenarios.NAMES.contains(scenario)) {
      spec.commandLine().getErr().println(TerminalText.escape("os-update: SCENARIO must be one of "
          + String.join(", ", ModelScenarios.NAMES) + ", got " + scenario));
      return 2;
    }
    return ModelScenarios.run(scenario, seed, json, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The scenario names, for the help text. */
  static final class Names extends java.util.ArrayList<String> {
    Names() {
      super(ModelScenarios.NAMES);
    }
  }
}
