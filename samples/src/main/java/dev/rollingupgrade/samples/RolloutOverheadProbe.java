package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutBuilder;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs in its own JVM for {@code bench}: the CPU per instance of a fault-free multi-region
 * rollout of {@code sets} scale sets of {@code instances} each over {@code regions} regions
 * (paired two by two; a mix of regional, single-zone and three-zone sets), on virtual time with
 * an instant fake cloud. A warm-up rollout, then the median of three; prints
 * {@code <cpu us per instance>}. The same measure as the single run's overhead figure, so the two
 * compare.
 */
final class RolloutOverheadProbe {
  private RolloutOverheadProbe() {}

  public static void main(String[] args) {
    int sets = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    int regions = Integer.parseInt(args[2]);
    measure(Math.max(regions, sets / 10), instances, regions); // warms the JIT up
    double[] cpu = new double[3];
    for (int r = 0; r < cpu.length; r++) {
      cpu[r] = measure(sets, instances, regions);
    }
    Arrays.sort(cpu);
    System.out.println(String.format(Locale.ROOT, "%.4f", cpu[1]));
  }

  private static double measure(int sets, int instances, int regions) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock);
    ImageReference from = BenchCommand.FROM;
    ImageReference to = BenchCommand.TO;
    RegionPairs pairs = RegionPairs.none();
    for (int r = 1; r + 1 <= regions; r += 2) {
      pairs = pairs.with("region" + r, "region" + (r + 1));
    }
    RolloutBuilder rollout = ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock)
        .store(new InMemoryRolloutStore(SchedulerClock.of(clock))).regionPairs(pairs);
    for (int i = 0; i < sets; i++) {
      String region = "region" + (1 + i % regions);
      // a mix of regional, single-zone and zone-redundant sets
      String[] zones = i % 4 == 0 ? new String[0] : i % 4 == 3 ? new String[] {"1", "2", "3"} : new String[] {"1"};
      String name = "vmss-" + i;
      cloud.addScaleSet(name, region, f -> f.instances(instances).zones(zones.length).image(from)
          .upgradeLatency(Duration.ZERO).timeToHealthy(Duration.ZERO).rollbackLatency(Duration.ZERO).recording(false));
      ScaleSet model = BenchCommand.scaleSet(name, region, instances, zones);
      rollout.member(model, to);
    }
    long cpuStart = threads.getCurrentThreadCpuTime();
    ImageRollout started = rollout.start();
    clock.runUntilIdle();
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    RolloutStatus status = started.status();
    if (status.code() != RollingUpgradeStatusCode.COMPLETED) {
      throw new IllegalStateException("the benchmark rollout did not complete: " + status.code() + " "
          + status.error());
    }
    return cpu / 1000.0 / ((double) sets * instances);
  }
}
