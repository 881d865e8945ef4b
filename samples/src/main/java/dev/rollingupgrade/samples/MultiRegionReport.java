package dev.rollingupgrade.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.testkit.sim.MultiRegionSimulation;
import java.io.PrintWriter;
import java.util.List;

/** {@code simulate --scenario multi-region}: the phases of two image releases over six regions, and each set's outcome. */
final class MultiRegionReport {
  private MultiRegionReport() {}

  static int print(PrintWriter out, PrintWriter err, long seed, String failingRegion, boolean json) {
    if (!List.of("eastus", "westus", "northeurope", "westeurope", "japaneast", "japanwest").contains(failingRegion)) {
      err.println("simulate: --failing-region must be one of eastus, westus, northeurope, westeurope, japaneast, "
          + "japanwest; got " + failingRegion);
      return 2;
    }
    MultiRegionSimulation.Result r = MultiRegionSimulation.of(seed, failingRegion).run();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ArrayNode rollouts = mapper.createArrayNode();
      for (RolloutStatus s : List.of(r.first(), r.second())) {
        ObjectNode node = rollouts.addObject().put("rolloutId", s.rolloutId()).put("release", s.release())
            .put("code", s.code().azureName()).put("phase", s.phase());
        s.error().flatMap(e -> e.message()).ifPresent(m -> node.put("error", m));
        ArrayNode members = node.putArray("members");
        s.members().forEach(m -> members.addObject().put("scaleSet", m.scaleSetName()).put("region", m.region())
            .put("phase", m.phase()).put("state", m.state().name()));
      }
      out.println(rollouts.toPrettyString());
    } else {
      out.println("multi-region simulation: 6 regions in 3 geo pairs, 2 scale sets per region over 3 zones, seed " + seed);
      describe(out, "release 1 (" + MultiRegionSimulation.FIRST_RELEASE + ")", r.first());
      describe(out, "release 2 (" + MultiRegionSimulation.SECOND_RELEASE + ", health breaks in " + failingRegion + ")",
          r.second());
      out.println("upgrades: " + r.cloud().upgrades().size() + " OS disks replaced in all");
    }
    (json ? err : out).println("digest: " + r.digest()); // with --json, stdout stays one JSON document
    return 0;
  }

  private static void describe(PrintWriter out, String title, RolloutStatus s) {
    out.println();
    out.println(title + ": " + s.code().azureName() + " at phase " + s.phase() + " of " + s.plan().phases().size()
        + s.endTime().map(e -> " after " + QuickstartCommand.clock(java.time.Duration.between(s.startTime(), e)))
            .orElse(""));
    s.plan().explain().forEach(line -> out.println("  " + line));
    s.error().flatMap(e -> e.message()).ifPresent(m -> out.println("  stopped: " + m));
    for (RolloutStatus.Member m : s.members()) {
      out.println(String.format("  %-18s %-12s phase %d  %s", m.scaleSetName(), m.region(), m.phase(),
          m.state() == RolloutStatus.MemberState.PENDING ? "untouched" : m.state().name().toLowerCase()));
    }
  }
}
