package dev.rollingupgrade.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.mode.ModelUpdate;
import dev.rollingupgrade.core.mode.ModelUpgrades;
import dev.rollingupgrade.core.mode.OsUpdate;
import dev.rollingupgrade.core.plan.NaturalOrder;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.sim.Simulation;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The scenarios of the seed article "Upgrade a virtual machine scale set", each on a seeded fake
 * fleet in virtual time: the model update workflow (get the model, change it, update it), then
 * what the set's upgrade mode moves. Each step prints the heat map after it (one row per update
 * domain: C current, O out of date, H upgraded and healthy, F failed).
 */
final class ModelScenarios {
  static final String PUBLISHER = "Canonical";
  static final String OFFER = "UbuntuServer";
  static final String MANAGED = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/"
      + "Microsoft.Compute/images/web-";
  static final String VHD = "https://webimages.blob.core.windows.net/vhds/web-";

  private final PrintWriter out;
  private final boolean json;
  private final VirtualScheduler clock = VirtualScheduler.startingAt(VirtualScheduler.DEFAULT_START);
  private final FakeFleet fleet;
  private final ModelUpgrades vmss;
  private final ObjectMapper mapper = new ObjectMapper();
  private final ArrayNode steps = mapper.createArrayNode();
  private final List<RollingUpgradeRun> runs = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private int step;

  private ModelScenarios(PrintWriter out, boolean json, long seed, int instances, ImageReference image,
      UpgradeMode mode) {
    this.out = out;
    this.json = json;
    this.fleet = FakeFleet.builder(clock).scaleSetName("web").instances(instances).zones(0).updateDomains(5)
        .image(image).seed(seed).latencyJitter(Duration.ofSeconds(30)).build();
    ScaleSet model = ScaleSet.builder().name("web").location("westeurope").capacity(instances)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(image)
            .healthProbe(HealthProbeReference.of("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
                + "web/providers/Microsoft.Network/loadBalancers/web-lb/probes/http"))
            .build())
        .upgradePolicy(UpgradePolicy.builder().mode(mode).build()).build();
    done(fleet.put(model));
    this.vmss = ModelUpgrades.of("web").models(fleet).driver(fleet).health(fleet).scheduler(clock)
        .listener(e -> {
          if (e.type() == UpgradeEventType.DOWNTIME_WARNING) {
            warnings.add(e.message().orElse(""));
          }
        });
  }

  /** The scenario names, as {@code simulate --scenario} and {@code os-update} take them. */
  static final List<String> NAMES = List.of("platform-version", "platform-sku", "custom-image-uri", "managed-image",
      "manual", "automatic", "in-guest-patching");

  /**
   * Runs scenario {@code name} and prints it; the last line is {@code digest: ...} (on stderr with
   * {@code json}, so that stdout stays one JSON document).
   *
   * @return the exit code: 0, or 2 for in-guest patching (refused, as it should be)
   */
  static int run(String name, long seed, boolean json, PrintWriter out, PrintWriter err) {
    ModelScenarios s = switch (name) {
      case "platform-version", "in-guest-patching" -> new ModelScenarios(out, json, seed, 5,
          platform("16.04-LTS", "16.04.201801090"), UpgradeMode.ROLLING);
      case "platform-sku" -> new ModelScenarios(out, json, seed, 10, platform("16.04-LTS", "16.04.201801090"),
          UpgradeMode.ROLLING);
      case "custom-image-uri" -> new ModelScenarios(out, json, seed, 10, ImageReference.ofUri(VHD + "v1.vhd"),
          UpgradeMode.ROLLING);
      case "managed-image" -> new ModelScenarios(out, json, seed, 10, ImageReference.ofId(MANAGED + "v1"),
          UpgradeMode.ROLLING);
      case "manual" -> new ModelScenarios(out, json, seed, 10, platform("16.04-LTS", "16.04.201801090"),
          UpgradeMode.MANUAL);
      case "automatic" -> new ModelScenarios(out, json, seed, 10, platform("16.04-LTS", "16.04.201801090"),
          UpgradeMode.AUTOMATIC);
      default -> throw new IllegalArgumentException("unknown scenario " + name + "; expected one of " + NAMES);
    };
    int code = s.play(name);
    if (json) {
      ObjectNode root = s.mapper.createObjectNode().put("scenario", name);
      root.set("steps", s.steps);
      ArrayNode statuses = root.putArray("runs");
      s.runs.forEach(r -> statuses.add(s.readTree(AzureJson.write(r.status()))));
      out.println(root.toPrettyString());
    }
    (json ? err : out).println("digest: " + s.digest());
    return code;
  }

  private static ImageReference platform(String sku, String version) {
    return ImageReference.platform(PUBLISHER, OFFER, sku, version);
  }

  private int play(String name) {
    ScaleSet model = done(vmss.model());
    show("get the model: " + model.name() + ", upgradePolicy.mode " + model.upgradePolicy().mode().azureName()
        + ", image " + model.virtualMachineProfile().imageReference().display(), null);
    switch (name) {
      case "platform-version" -> updateAndWait(OsUpdate.platformVersion("16.04.201804262"),
          "5 instances: the rolling policy takes them one at a time");
      case "platform-sku" -> updateAndWait(OsUpdate.platformSku("18.04-LTS", "latest"), null);
      case "custom-image-uri" -> updateAndWait(OsUpdate.customImageUri(VHD + "v2.vhd"), null);
      case "managed-image" -> updateAndWait(OsUpdate.managedImage(MANAGED + "v2"), null);
      case "automatic" -> updateAndWait(OsUpdate.platformVersion("16.04.201804262"), null);
      case "in-guest-patching" -> {
        try {
          done(vmss.updateModel(OsUpdate.inGuestPatching()));
        } catch (InvalidModelException e) {
          var v = e.violations().get(0);
          show("update the model with in-guest patching: refused, nothing stored\n   " + v.path() + ": "
              + v.message(), null);
          return 2;
        }
        throw new IllegalStateException("in-guest patching was not refused");
      }
      default -> manual();
    }
    return 0;
  }

  /** The article's Manual sequence: update the model, upgrade update domain 0, then the other instances. */
  private void manual() {
    ModelUpdate update = done(vmss.updateModel(OsUpdate.platformVersion("16.04.201804262")));
    show("change the version and update the model: " + update.change().changes().get(0)
        + "\n   upgradePolicy.mode Manual: nothing moves until an explicit upgrade", null);
    RollingUpgradeRun ud0 = done(vmss.upgradeUpdateDomain(0));
    finish(ud0);
    show("manual upgrade of update domain 0: " + summary(ud0), ud0);
    List<String> rest = new ArrayList<>();
    done(vmss.heatMap()).cells().stream().filter(c -> c.state() == CellState.OUT_OF_DATE)
        .forEach(c -> rest.add(c.instanceId()));
    rest.sort(NaturalOrder.INSTANCE);
    RollingUpgradeRun others = done(vmss.manualUpgrade(rest));
    finish(others);
    show("manual upgrade of the chosen instances " + String.join(", ", rest) + ": " + summary(others), others);
  }

  private void updateAndWait(OsUpdate update, String note) {
    ModelUpdate result = done(vmss.updateModel(update));
    RollingUpgradeRun run = result.run().orElseThrow();
    show("update the model (" + update.describe() + "): " + String.join("; ", result.change().changes())
        + "\n   upgradePolicy.mode " + result.mode().azureName() + " starts run " + run.runId()
        + (note == null ? "" : "\n   " + note), null);
    finish(run);
    show("the run ended: " + summary(run) + warnings.stream().map(w -> "\n   WARN " + w).reduce("", String::concat),
        run);
  }

  private void finish(RollingUpgradeRun run) {
    runs.add(run);
    clock.runUntilIdle();
  }

  private String summary(RollingUpgradeRun run) {
    var p = run.status().progress().orElseThrow();
    return run.status().runningStatus().orElseThrow().code().orElseThrow().azureName() + ", "
        + p.successfulInstanceCount() + " upgraded, " + p.failedInstanceCount() + " failed, in "
        + run.batches().size() + (run.batches().size() == 1 ? " batch" : " batches") + ", "
        + QuickstartCommand.clock(Duration.between(VirtualScheduler.DEFAULT_START, clock.now())) + " in";
  }

  /** Prints a step and the heat map after it: the run's when given, else the fleet's (current or out of date). */
  private void show(String title, RollingUpgradeRun run) {
    step++;
    HeatMap map = run != null ? run.heatMap() : done(vmss.heatMap());
    if (json) {
      ObjectNode node = steps.addObject().put("step", step).put("title", title);
      node.set("heatMap", readTree(map.toJson()));
      return;
    }
    out.println(step + ". " + title);
    for (String line : map.toText(false).split("\n")) {
      out.println("   " + line);
    }
  }

  /** Over every run's final status and every state-changing driver call (the final heat map when no run started). */
  private String digest() {
    StringBuilder outcome = new StringBuilder();
    runs.forEach(r -> outcome.append(AzureJson.write(r.status())).append('\n'));
    if (runs.isEmpty()) {
      outcome.append(done(vmss.heatMap()).toJson());
    }
    return Simulation.digest(outcome.toString(), fleet.stateChangingCalls());
  }

  private com.fasterxml.jackson.databind.JsonNode readTree(String text) {
    try {
      return mapper.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the library wrote JSON it cannot read back", e);
    }
  }

  /** Waits for a stage of the fake fleet (they complete at once) and unwraps its failure. */
  private static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
