package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quickstart}: a 20-instance scale set (2 zones x 5 update domains) rolled from one Ubuntu
 * image version to the next on a fake fleet in virtual time. One instance in zone 2 never becomes
 * healthy: it fails its health wait, is rolled back (the platform started the run), and the run
 * still completes, since one failure among the instances upgraded so far stays within 20 %.
 * With {@code --heat-map} it prints the run's heat map (one row per update domain) as each
 * batch starts and at the end: plain text, coloured ({@code ansi}) or one JSON line per map
 * ({@code json}).
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Roll a 20-instance scale set to a new Ubuntu image in virtual time, one instance failing and rolled back.")
final class QuickstartCommand implements Callable<Integer> {
  static final ImageReference FROM = RolloutTestEnvironment.CURRENT_IMAGE;
  static final ImageReference TO = RolloutTestEnvironment.NEXT_IMAGE;
  static final String FAILING = "13";

  @Spec
  private CommandSpec spec;

  @Option(names = "--json", description = "print only the final status, as Azure's rollingUpgrades/latest JSON")
  private boolean json;

  @Option(names = "--heat-map", arity = "0..1", fallbackValue = "plain", paramLabel = "STYLE",
      description = "print the heat map (a row per update domain, a cell per instance) as each batch starts and at "
          + "the end: plain (the default), ansi (coloured) or json (one line per map)")
  private String heatMap;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (heatMap != null && !List.of("plain", "ansi", "json").contains(heatMap)) {
      spec.commandLine().getErr().println(TerminalText.escape("quickstart: --heat-map must be plain, ansi or json, got "
          + heatMap));
      return 2;
    }
    if (heatMap != null && json) {
      spec.commandLine().getErr().println("quickstart: --heat-map is for the text output; --json prints only the "
          + "final status");
      return 2;
    }
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("web").instances(20).zones(2).updateDomains(5).image(FROM)
        .upgradeLatency(Duration.ofMinutes(1)).timeToHealthy(Duration.ofSeconds(30)).build();
    fleet.instance(FAILING).neverBecomesHealthy();
    ScaleSet set = ScaleSet.builder().name("web").location("westeurope").addZones("1", "2").capacity(20)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(TO)
            .healthProbe(HealthProbeReference.of("/subscriptions/demo/resourceGroups/demo/providers/"
                + "Microsoft.Network/loadBalancers/web-lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .rollingUpgradePolicy(RollingUpgradePolicy.defaults()).build())
        .build();
    Instant start = clock.now();
    AtomicReference<RollingUpgradeRun> started = new AtomicReference<>();
    var upgrade = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock)
        .startedBy(UpgradeOperationInvoker.PLATFORM);
    if (!json) {
      RollingUpgradePolicy p = set.upgradePolicy().rollingUpgradePolicy();
      out.println("Rolling upgrade of scale set 'web': 20 instances in 2 zones x 5 update domains");
      out.println("  from " + FROM.display() + "  to " + TO.display());
      out.println("  policy: at most " + p.maxBatchInstancePercent() + " % per batch, stop above "
          + p.maxUnhealthyInstancePercent() + " % unhealthy or " + p.maxUnhealthyUpgradedInstancePercent()
          + " % of upgraded unhealthy, health timeout " + p.healthTimeout() + "; started by the platform, so failures roll back");
      out.println("  (instance " + FAILING + " is scripted never to become healthy)");
      upgrade.listener(event -> {
        if (event.type() != UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED) { // the verdict that ends the wait is shown
          out.println(line(start, event));
        }
        if (event.type() == UpgradeEventType.BATCH_STARTED && heatMap != null) {
          // the run as the batch starts: the last batch's verdicts, this one's upgrades under way
          out.print(heatMap(started.get().heatMap())); // listeners are called outside the run's lock
        }
      });
    }
    long wallStart = System.nanoTime();
    RollingUpgradeRun run = upgrade.start();
    started.set(run);
    clock.runUntilIdle();
    long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
    RollingUpgradeStatus status = run.status();
    if (json) {
      out.println(AzureJson.write(status));
      return 0;
    }
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    RollingUpgradeProgress p = status.progress().orElseThrow();
    var rollback = end.rollbackInfo().orElseThrow();
    out.println();
    out.println("Final status: " + status.runningStatus().orElseThrow().code().orElseThrow().azureName()
        + " - " + p.successfulInstanceCount() + " succeeded, " + p.failedInstanceCount() + " failed, "
        + p.inProgressInstanceCount() + " in progress, " + p.pendingInstanceCount() + " pending; "
        + rollback.successfullyRolledbackInstanceCount() + " rolled back");
    out.println("Virtual time " + clock(Duration.between(start, clock.now())) + ", computed in " + wallMillis + " ms.");
    if (heatMap != null) {
      out.println("Heat map at the end:");
      out.print(heatMap(run.heatMap()));
    }
    out.println("As Azure's rollingUpgrades/latest:");
    out.println(AzureJson.write(status));
    return 0;
  }

  /** The map in the chosen style, ending with a line end. */
  private String heatMap(HeatMap map) {
    return heatMap.equals("json") ? map.toJson() + "\n" : map.toText(heatMap.equals("ansi"));
  }

  private static String line(Instant start, UpgradeEvent e) {
    String at = "[" + clock(Duration.between(start, e.time())) + "] ";
    String ids = String.join(", ", e.instanceIds());
    switch (e.type()) {
      case RUN_STARTED:
        return at + "run started: " + e.message().orElse("");
      case BATCH_STARTED:
        return at + "batch " + e.batch().getAsInt() + " (" + ids + "): " + e.message().orElse("");
      case INSTANCE_UPGRADE_STARTED:
        return at + "  " + ids + ": replacing the OS disk";
      case INSTANCE_HEALTHY:
        return at + "  " + ids + ": healthy on the new image";
      case INSTANCE_FAILED:
        return at + "  " + ids + ": FAILED (" + e.code().orElse("") + "): " + e.message().orElse("");
      case INSTANCE_ROLLED_BACK:
        return at + "  " + ids + ": rolled back to its previous OS disk";
      case INSTANCE_ROLLBACK_FAILED:
        return at + "  " + ids + ": rollback FAILED: " + e.message().orElse("");
      case BATCH_FINISHED:
        return at + "batch " + e.batch().getAsInt() + " done: " + e.message().orElse("");
      default:
        return at + "run ended: " + e.message().orElse("");
    }
  }

  static String clock(Duration d) {
    return String.format("%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
