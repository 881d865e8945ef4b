package dev.rollingupgrade.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus;
import dev.rollingupgrade.testkit.sim.ExtensionSimulation;
import java.io.PrintWriter;
import java.util.List;

/** {@code simulate --scenario extensions}: two extension releases over a scale set, an availability set and standalone VMs. */
final class ExtensionReport {
  private ExtensionReport() {}

  static int print(PrintWriter out, PrintWriter err, long seed, boolean json) {
    ExtensionSimulation.Result r = ExtensionSimulation.of(seed).run();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.set("beforeFix", statuses(mapper, r.beforeFix()));
      root.set("afterRetry", statuses(mapper, r.afterRetry()));
      ArrayNode runs = root.putArray("runs");
      r.runs().forEach(runs::add);
      ArrayNode rollouts = root.putArray("rollouts");
      for (RolloutStatus s : r.rollouts()) {
        ObjectNode node = rollouts.addObject().put("rolloutId", s.rolloutId()).put("release", s.release())
            .put("code", s.code().azureName());
        s.error().flatMap(e -> e.message()).ifPresent(m -> node.put("error", m));
      }
      out.println(root.toPrettyString());
    } else {
      out.println("extension simulation, seed " + seed + ": scale set web (10 VMs, zones 1-2; health, agent, monitor),"
          + " availability set avset (6 VMs, 3 update domains; agent), standalone VMs vms (3; agent)");
      out.println("published: agent " + ExtensionSimulation.AGENT_RELEASE + " (breaks health on web/"
          + String.join(", web/", r.broken()) + " until the publisher fixes it), monitor "
          + ExtensionSimulation.MONITOR_RELEASE);
      out.println();
      out.println("rollouts:");
      for (RolloutStatus s : r.rollouts()) {
        out.println("  " + s.startTime() + " " + s.release() + ": " + s.code().azureName()
            + s.members().stream().map(m -> m.scaleSetName() + " " + m.state().name().toLowerCase()).toList()
            + s.error().flatMap(e -> e.message()).map(m -> "\n    " + m).orElse(""));
      }
      out.println();
      out.println("runs:");
      r.runs().forEach(line -> out.println("  " + line));
      describe(out, "after the releases (" + r.beforeFix().at() + ")", r.beforeFix());
      describe(out, "after the retry, the version fixed (" + r.afterRetry().at() + ")", r.afterRetry());
    }
    (json ? err : out).println("digest: " + r.digest()); // with --json, stdout stays one JSON document
    return 0;
  }

  private static void describe(PrintWriter out, String title, ExtensionSimulation.Snapshot s) {
    out.println();
    out.println(title + ":");
    for (ExtensionUpgradeStatus x : s.statuses()) {
      out.println(String.format("  %-6s %-8s %-8s %-16s%s", x.scaleSet(), x.extension(), x.installed(),
          x.state().name().toLowerCase(), x.state() == ExtensionUpgradeStatus.State.WAITING_TO_RETRY
              ? " attempt " + x.attempts() + " failed (" + x.lastError().flatMap(e -> e.code()).orElse("") + "), retry at "
                  + x.nextAttempt().map(Object::toString).orElse("?")
              : x.target().map(t -> " to " + t).orElse("")));
    }
    long lagging = s.versions().stream().filter(v -> v.matches(".*agent=9\\.10[,}].*")).count();
    out.println("  VMs still on agent 9.10: " + lagging);
  }

  private static ArrayNode statuses(ObjectMapper mapper, ExtensionSimulation.Snapshot s) {
    ArrayNode list = mapper.createArrayNode();
    for (ExtensionUpgradeStatus x : s.statuses()) {
      ObjectNode n = list.addObject().put("group", x.scaleSet()).put("extension", x.extension())
          .put("installed", x.installed()).put("state", x.state().name()).put("attempts", x.attempts());
      x.target().ifPresent(t -> n.put("target", t));
      x.nextAttempt().ifPresent(t -> n.put("nextAttempt", t.toString()));
      x.lastError().flatMap(e -> e.code()).ifPresent(c -> n.put("lastError", c));
    }
    return list;
  }
}
