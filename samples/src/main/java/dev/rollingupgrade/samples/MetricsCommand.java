package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.micrometer.UpgradeMetrics;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metrics}: the quickstart's run (20 instances in 2 zones x 5 update domains, instance 13
 * never healthy and rolled back) measured by {@link UpgradeMetrics} into a Micrometer
 * {@link SimpleMeterRegistry}, whose meters it prints at the end. The durations are virtual: they
 * come from the events' timestamps, and the run takes milliseconds.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Run the quickstart's rolling upgrade with Micrometer metrics (upgrade-micrometer) and print the meters.")
final class MetricsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--tag-scale-set", description = "tag every meter with the scale set's name (scale.set)")
  private boolean tagScaleSet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("web").instances(20).zones(2).updateDomains(5)
        .image(QuickstartCommand.FROM).build();
    fleet.instance(QuickstartCommand.FAILING).neverBecomesHealthy();
    ScaleSet set = ScaleSet.builder().name("web").location("westeurope").addZones("1", "2").capacity(20)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(QuickstartCommand.TO)
            .healthProbe(HealthProbeReference.of("/subscriptions/demo/resourceGroups/demo/providers/"
                + "Microsoft.Network/loadBalancers/web-lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .rollingUpgradePolicy(RollingUpgradePolicy.defaults()).build())
        .build();

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpgradeMetrics metrics = UpgradeMetrics.builder(registry).tag("app", "samples").tagScaleSet(tagScaleSet).build();
    Instant start = clock.now();
    RollingUpgradeRun run = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock)
        .startedBy(UpgradeOperationInvoker.PLATFORM).listener(metrics).start();
    // sample the gauge every 10 virtual seconds, as a scrape would
    double peak = 0;
    while (!run.isFinished() && Duration.between(start, clock.now()).compareTo(Duration.ofDays(1)) < 0) {
      clock.advanceBy(Duration.ofSeconds(10));
      peak = Math.max(peak, registry.find(UpgradeMetrics.INSTANCES_IN_FLIGHT).gauges().stream()
          .mapToDouble(Gauge::value).sum());
    }
    clock.runUntilIdle();

    out.println("Rolling upgrade of 'web' (20 instances, instance " + QuickstartCommand.FAILING
        + " never healthy), measured by UpgradeMetrics into a SimpleMeterRegistry:");
    out.println("  ended " + run.status().runningStatus().orElseThrow().code().orElseThrow().azureName() + " after "
        + QuickstartCommand.clock(Duration.between(start, clock.now())) + " of virtual time; at most "
        + (long) peak + " instances in flight at once (sampled every 10 s)");
    out.println();
    registry.getMeters().stream().sorted(Comparator.comparing(MetricsCommand::name))
        .forEach(m -> out.printf("%-75s %s%n", name(m), value(m)));
    return 0;
  }

  /** {@code name{tag=value,...}} as most registries show a meter; the tags sorted by key. */
  static String name(Meter m) {
    List<Tag> tags = m.getId().getTags();
    return m.getId().getName() + (tags.isEmpty() ? "" : tags.stream().map(t -> t.getKey() + "=" + t.getValue())
        .collect(Collectors.joining(",", "{", "}")));
  }

  private static String value(Meter m) {
    if (m instanceof Counter c) {
      return String.valueOf((long) c.count());
    }
    if (m instanceof Gauge g) {
      return String.valueOf((long) g.value());
    }
    if (m instanceof Timer t) {
      return "count=" + t.count() + " total=" + duration(t.totalTime(TimeUnit.SECONDS)) + " max="
          + duration(t.max(TimeUnit.SECONDS));
    }
    return m.measure().toString();
  }

  private static String duration(double seconds) {
    return QuickstartCommand.clock(Duration.ofMillis(Math.round(seconds * 1000)));
  }
}
