package dev.rollingupgrade.samples;

import dev.rollingupgrade.core.auto.PhasePlan;
import dev.rollingupgrade.core.auto.PhasePlanner;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.json.JsonFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code plan --rollout FILE}: the phases of a multi-region rollout, one plan per image (a
 * release concerns one image), each phase, region and wave on a line with why it is there; ends
 * with {@code phases: <count per image>}.
 */
final class RolloutPlan {
  private RolloutPlan() {}

  /**
   * Prints the plans of {@code file}.
   *
   * @param planner the planner the options ask for (throws a usage error when they clash)
   * @return 0 when planned, 1 when the file has problems (one line each on {@code err}), 2 when it is
   *     empty or not JSON
   * @throws PlanCommand.BadArgument when the options clash (exit 2)
   * @throws JsonFile.Unreadable when the file cannot be read (exit 2)
   */
  static int print(Supplier<PhasePlanner> planner, Path file, boolean azurePairs, PrintWriter out, PrintWriter err) {
    PhasePlanner phases = planner.get();
    String json = JsonFile.read(file);
    RolloutFile.Rollout rollout;
    try {
      rollout = RolloutFile.read(json, azurePairs ? RegionPairs.azure() : RegionPairs.none());
    } catch (RolloutFile.Problems e) {
      e.lines().forEach(err::println);
      err.println("plan: " + e.getMessage() + " in " + file);
      return e.notJson() ? 2 : 1;
    }
    out.println("rollout " + file + ": " + count(rollout.scaleSetCount(), "scale set") + " in "
        + count(rollout.regionCount(), "region") + ", " + count(rollout.images().size(), "image")
        + ", " + count(rollout.pairs().size(), "geo pair") + (azurePairs ? " (Azure's included)" : ""));
    List<String> counts = new ArrayList<>();
    for (RolloutFile.ImageGroup image : rollout.images()) {
      PhasePlan plan = phases.plan(image.members(), rollout.pairs());
      out.println("image " + image.image() + ": " + count(plan.scaleSetCount(), "scale set") + " in "
          + count(plan.regionCount(), "region") + ", " + count(plan.phases().size(), "phase"));
      plan.explain().forEach(out::println);
      counts.add(String.valueOf(plan.phases().size()));
    }
    if (counts.isEmpty()) {
      out.println("no scale sets: nothing to roll out");
    }
    out.println("phases: " + (counts.isEmpty() ? "0" : String.join(", ", counts)));
    return 0;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
