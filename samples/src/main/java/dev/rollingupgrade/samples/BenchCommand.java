package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.core.auto.PhasePlan;
import dev.rollingupgrade.core.auto.PhasePlanner;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutMember;
import dev.rollingupgrade.core.plan.BatchPlanner;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.plan.UpgradePlan;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SystemScheduler;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: measures, in one run, the planner's speed and scaling, the phase planner's speed
 * on a large multi-region rollout, the orchestration's CPU
 * overhead and heap per instance, how close a fault-free run comes to its shortest possible
 * duration, how well one batch's driver calls run in parallel, what a durable journal (a file,
 * PostgreSQL) costs against one in memory, how many real HTTP health probes run at once
 * ({@link HealthBench}) and how close the {@code fleet} sample's real processes come to their
 * shortest duration; prints a table, then one
 * {@code name: value} line per figure. {@code --quick} uses smaller sizes (under a minute). Exits
 * 1 when a figure misses its target (each named on stderr), else 0; with {@code --quick} a missed
 * target is only named (exit 0).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark planner, orchestration overhead, makespan, parallelism, the durable journal's cost, "
        + "health probes and a real fleet; "
        + "prints a table and name: value lines.")
final class BenchCommand implements Callable<Integer> {
  static final ImageReference FROM = RolloutTestEnvironment.CURRENT_IMAGE;
  static final ImageReference TO = RolloutTestEnvironment.NEXT_IMAGE;

  @Spec
  private CommandSpec spec;

  @Option(names = "--quick", description = "smaller sizes where needed, same figures, under a minute")
  private boolean quick;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "postgres-overhead-ratio: measure on this PostgreSQL (jdbc:postgresql://host/db?user=..) instead of "
          + "an embedded one started for the benchmark")
  private String jdbcUrl;

  /** One figure: its name, value, unit, target and whether it is met. */
  record Figure(String name, double value, String unit, String target, boolean met, String note) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Figure> figures = new ArrayList<>();
    int plannerBig = 1_000_000;
    int plannerSmall = 100_000;
    double big = plannerMedianMillis(plannerBig, quick ? 7 : 15);
    double small = plannerMedianMillis(plannerSmall, quick ? 21 : 61);
    figures.add(new Figure("planner-1m-ms", big, "ms", "< 1000", big < 1000,
        "median to plan 1,000,000 instances, 3 zones x 20 UDs"));
    figures.add(new Figure("planner-scaling-10x", big / small, "x", "<= 12", big / small <= 12,
        "time for 1,000,000 / time for 100,000 (" + format(small) + " ms)"));

    double phases = phasePlanMedianMillis(10_000, 100, 60, quick ? 11 : 31);
    figures.add(new Figure("phase-plan-10k-ms", phases, "ms", "< 1000", phases < 1000,
        "median to phase plan 10,000 scale sets x 100 instances in 60 regions (30 geo pairs)"));

    int runSize = quick ? 100_000 : 1_000_000;
    double[] overhead = overhead(runSize);
    figures.add(new Figure("overhead-us-per-instance", overhead[0], "us", "<= 5", overhead[0] <= 5,
        "CPU per instance, fault-free run of " + runSize + " instances, virtual time, instant fake fleet"));
    double heapTarget = Math.max(128, 512.0 * runSize / 1_000_000);
    figures.add(new Figure("peak-heap-mib", overhead[1], "MiB", "<= " + format(heapTarget), overhead[1] <= heapTarget,
        "largest heap in use after a collection during that run, in a JVM capped at the target"));

    int rolloutSets = quick ? 1_000 : 10_000;
    double rollout = probe(RolloutOverheadProbe.class, 2048, String.valueOf(rolloutSets), "100", "60")[0];
    double perRun = rollout / overhead[0];
    figures.add(new Figure("rollout-overhead-ratio", perRun, "x", "<= 2", perRun <= 2,
        "CPU per instance of a rollout of " + rolloutSets + " sets x 100 in 60 regions (" + format(rollout)
            + " us) / overhead-us-per-instance"));

    double makespan = makespanRatio(quick ? 1_000 : 10_000);
    figures.add(new Figure("makespan-ratio", makespan, "x", "<= 1.01", makespan <= 1.01,
        "virtual duration / (sum of batches' latency + time to healthy + pauses)"));

    double parallel = parallelRatio();
    figures.add(new Figure("parallel-ratio", parallel, "x", "<= 1.5", parallel <= 1.5,
        "wall time of one batch of 200 with 200 ms real driver calls / 200 ms"));

    double durable = JournalBench.durableOverheadRatio(100_000); // smaller runs measure the disk's latency, not the journal
    figures.add(new Figure("durable-overhead-ratio", durable, "x", "<= 1.5", durable <= 1.5,
        "wall time of a fault-free simulate of 100000 instances journalled to a file / in memory"));

    int endpoints = quick ? 300 : 1_000;
    double probes = HealthBench.probeRatio(endpoints);
    figures.add(new Figure("probe-ratio", probes, "x", "<= 5", probes <= 5, "wall time of one health sweep of "
        + endpoints + " loopback HTTP endpoints / one probe (each answers in 250 ms)"));
    int fleet = quick ? 3 : 5;
    double makespanOfFleet = HealthBench.fleetRatio(fleet);
    figures.add(new Figure("fleet", makespanOfFleet, "x", "<= 1.2", makespanOfFleet <= 1.2, "real time of the fleet "
        + "sample (" + fleet + " processes) / sum over batches of restart + time to healthy"));
    int postgresSize = quick ? 2_000 : 10_000;
    double[] postgres = JournalBench.postgresOverheadRatio(jdbcUrl, postgresSize);
    figures.add(new Figure("postgres-overhead-ratio", postgres[0], "x", "<= 3", postgres[0] <= 3,
        "wall time of a fault-free run of " + postgresSize + " instances journalled on "
            + (jdbcUrl == null ? "an embedded" : "the given") + " PostgreSQL / in memory (" + format(postgres[1])
            + " ms / " + format(postgres[2]) + " ms)"));

    return report(figures, out, spec.commandLine().getErr(), !quick);
  }

  /**
   * Prints the table and the {@code name: value} lines; exit code 1, with the figures named on
   * {@code err}, when any misses its target and targets are enforced, else 0. Quick runs only
   * advise: their small sizes and short runs are noisier than the targets allow for.
   */
  static int report(List<Figure> figures, PrintWriter out, PrintWriter err, boolean enforce) {
    out.printf(Locale.ROOT, "%-26s %12s %-5s %-10s %-4s %s%n", "figure", "value", "unit", "target", "met", "what");
    for (Figure f : figures) {
      out.printf(Locale.ROOT, "%-26s %12s %-5s %-10s %-4s %s%n", f.name(), format(f.value()), f.unit(), f.target(),
          f.met() ? "yes" : "NO", f.note());
    }
    out.println();
    for (Figure f : figures) {
      out.println(f.name() + ": " + format(f.value()));
    }
    List<String> missed = figures.stream().filter(f -> !f.met())
        .map(f -> f.name() + " " + format(f.value()) + " (target " + f.target() + ")").toList();
    if (missed.isEmpty()) {
      return 0;
    }
    err.println((enforce ? "bench: " : "bench --quick (advisory; run without --quick to judge): ") + missed.size()
        + (missed.size() == 1 ? " figure misses its target: " : " figures miss their targets: ") + String.join(", ", missed));
    return enforce ? 1 : 0;
  }

  // ---- planner ----

  private static double plannerMedianMillis(int n, int reps) {
    List<InstanceSnapshot> fleet = new ArrayList<>(n);
    List<Optional<String>> zones = List.of(Optional.of("1"), Optional.of("2"), Optional.of("3"));
    for (int i = 0; i < n; i++) {
      fleet.add(new InstanceSnapshot(String.valueOf(i), zones.get(i % 3), (i / 3) % 20, HealthState.HEALTHY, true, false));
    }
    Collections.shuffle(fleet, new java.util.Random(1)); // the driver's order is arbitrary
    BatchPlanner planner = BatchPlanner.of(RollingUpgradePolicy.defaults());
    for (int w = 0; w < 3; w++) {
      planner.plan(fleet);
    }
    double[] times = new double[reps];
    for (int r = 0; r < reps; r++) {
      long start = System.nanoTime();
      UpgradePlan plan = planner.plan(fleet);
      times[r] = (System.nanoTime() - start) / 1e6;
      if (plan.candidateCount() != n) {
        throw new IllegalStateException("the planner lost instances");
      }
    }
    Arrays.sort(times);
    return times[reps / 2];
  }

  // ---- phase planner ----

  /** Median time to plan {@code sets} scale sets of {@code instances} each over {@code regions} regions, paired two by two. */
  private static double phasePlanMedianMillis(int sets, int instances, int regions, int reps) {
    RegionPairs pairs = RegionPairs.none();
    for (int r = 1; r + 1 <= regions; r += 2) {
      pairs = pairs.with("region" + r, "region" + (r + 1));
    }
    List<RolloutMember> members = new ArrayList<>(sets);
    for (int i = 0; i < sets; i++) {
      String region = "region" + (1 + i % regions);
      String zone = String.valueOf(1 + (i / regions) % 3);
      switch (i % 4) { // a mix of regional, single-zone and zone-redundant sets
        case 0 -> members.add(RolloutMember.regional("vmss-" + i, region, instances));
        case 3 -> members.add(RolloutMember.zonal("vmss-" + i, region, instances, "1", "2", "3"));
        default -> members.add(RolloutMember.zonal("vmss-" + i, region, instances, zone));
      }
    }
    Collections.shuffle(members, new java.util.Random(1)); // the caller's order is arbitrary
    PhasePlanner planner = PhasePlanner.defaults();
    for (int w = 0; w < 5; w++) {
      planner.plan(members, pairs);
    }
    double[] times = new double[reps];
    for (int r = 0; r < reps; r++) {
      long start = System.nanoTime();
      PhasePlan plan = planner.plan(members, pairs);
      times[r] = (System.nanoTime() - start) / 1e6;
      if (plan.scaleSetCount() != sets || plan.regionCount() != regions) {
        throw new IllegalStateException("the phase planner lost scale sets or regions");
      }
    }
    Arrays.sort(times);
    return times[reps / 2];
  }

  // ---- orchestration overhead ----

  private static ScaleSet scaleSet(int capacity, RollingUpgradePolicy policy) {
    return ScaleSet.builder().from(scaleSet("bench", "westeurope", capacity, "1", "2", "3"))
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(policy).build())
        .build();
  }

  /** A Rolling set whose model names {@link #TO}, with a health probe. */
  static ScaleSet scaleSet(String name, String region, int capacity, String... zones) {
    return ScaleSet.builder().name(name).location(region).addZones(zones).capacity(capacity)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(TO)
            .healthProbe(HealthProbeReference.of("/bench/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build()).build();
  }

  /**
   * CPU microseconds per instance and peak heap MiB of a fault-free run of {@code n} instances,
   * measured in a fresh JVM capped at 512 MiB of heap (scaled down for smaller runs), so the heap
   * figure says what the run needs, not what a roomy heap lets garbage grow to.
   */
  private static double[] overhead(int n) {
    long heapCapMib = Math.max(128, 512L * n / 1_000_000);
    return probe(OverheadProbe.class, heapCapMib, String.valueOf(n));
  }

  /** Runs {@code probe}'s main in a fresh JVM with {@code heapMib} of heap; the numbers of its last line. */
  private static double[] probe(Class<?> probe, long heapMib, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMib + "m", "-cp", System.getProperty("java.class.path"), probe.getName()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(probe.getSimpleName() + " failed (heap capped at " + heapMib + " MiB):\n"
            + output);
      }
      return Arrays.stream(output.lines().reduce((a, b) -> b).orElse("").split(" "))
          .mapToDouble(Double::parseDouble).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + probe.getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + probe.getSimpleName(), e);
    }
  }

  /** Runs in its own JVM: a warm-up run, then the measured one; prints {@code <cpu us per instance> <peak heap MiB>}. */
  static final class OverheadProbe {
    public static void main(String[] args) {
      int n = Integer.parseInt(args[0]);
      measure(Math.max(1_000, n / 10)); // warms the JIT up
      double[] cpu = new double[3];
      double peak = 0;
      for (int r = 0; r < cpu.length; r++) { // the median of three: this machine's timings wander
        double[] result = measure(n);
        cpu[r] = result[0];
        peak = Math.max(peak, result[1]);
      }
      Arrays.sort(cpu);
      System.out.println(String.format(Locale.ROOT, "%.4f %.1f", cpu[1], peak));
    }

    private static double[] measure(int n) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      System.gc();
      // the heap in use right after each collection: what the run really holds at its largest
      long[] peakAfterGc = {ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()};
      NotificationListener afterGc = (notification, handback) -> {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        synchronized (peakAfterGc) {
          peakAfterGc[0] = Math.max(peakAfterGc[0], used);
        }
      };
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(afterGc, null, null);
      }
      VirtualScheduler clock = VirtualScheduler.create();
      FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("bench").instances(n).zones(3).updateDomains(20).image(FROM)
          .upgradeLatency(Duration.ZERO).timeToHealthy(Duration.ZERO).rollbackLatency(Duration.ZERO)
          .recording(false).build(); // the fleet's call log would outweigh the run
      long cpuStart = threads.getCurrentThreadCpuTime();
      RollingUpgradeRun run = RollingUpgrade.of(scaleSet(n, RollingUpgradePolicy.defaults())).driver(fleet).health(fleet)
          .scheduler(clock).store(new InMemoryRolloutStore()).start();
      clock.runUntilIdle();
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      if (run.status().progress().orElseThrow().successfulInstanceCount() != n) {
        throw new IllegalStateException("the benchmark run did not upgrade every instance: " + run.status());
      }
      System.gc(); // the run and its fleet are still referenced: this collection counts too
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        try {
          ((NotificationEmitter) gc).removeNotificationListener(afterGc);
        } catch (ListenerNotFoundException e) {
          // already gone
        }
      }
      long peak;
      synchronized (peakAfterGc) {
        peak = peakAfterGc[0];
      }
      if (run.isFinished() && fleet.size() != n) {
        throw new IllegalStateException("the fleet changed size");
      }
      return new double[] {cpu / 1000.0 / n, peak / (1024.0 * 1024.0)};
    }
  }

  // ---- makespan ----

  private static double makespanRatio(int n) {
    Duration latency = Duration.ofSeconds(60);
    Duration toHealthy = Duration.ofSeconds(30);
    Duration pause = Duration.ofSeconds(30);
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().pauseTimeBetweenBatches(pause).build();
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("bench").instances(n).zones(3).updateDomains(5).image(FROM)
        .upgradeLatency(latency).timeToHealthy(toHealthy).build();
    ScaleSet set = scaleSet(n, policy);
    RollingUpgradeRun run = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock).start();
    clock.runUntilIdle();
    var status = run.completion().toCompletableFuture().join().runningStatus().orElseThrow();
    Duration took = Duration.between(status.startTime().orElseThrow(), status.endTime().orElseThrow());
    // the fewest batches the rules allow, counted from the rules, not by the planner under judgement
    int batches = fewestBatches(fleet.listInstances("bench").toCompletableFuture().join(), policy);
    Duration bound = latency.plus(toHealthy).multipliedBy(batches).plus(pause.multipliedBy(batches - 1));
    return (double) took.toMillis() / bound.toMillis();
  }

  /**
   * The fewest batches in which the rules of batch planning can upgrade {@code instances}, all
   * healthy, straight from the rules: a batch holds at most {@code max(1, floor(N x
   * maxBatchInstancePercent / 100))} instances, and at most the unhealthy budget {@code
   * max(1, floor(N x maxUnhealthyInstancePercent / 100))} (each instance in flight counts as
   * unhealthy); it never spans two zones (unless cross-zone) or two update domains (unless they
   * are ignored). So each (zone, update domain) group needs {@code ceil(size / limit)} batches.
   */
  static int fewestBatches(List<Instance> instances, RollingUpgradePolicy policy) {
    long n = instances.size();
    long cap = Math.max(1, n * policy.maxBatchInstancePercent() / 100);
    long budget = Math.max(1, n * policy.maxUnhealthyInstancePercent() / 100);
    long limit = Math.min(cap, budget);
    Map<String, Integer> groups = new TreeMap<>();
    for (Instance i : instances) {
      String zone = policy.enableCrossZoneUpgrade() ? "" : i.zone().orElse("");
      String domain = policy.respectUpdateDomains() ? String.valueOf(i.platformUpdateDomain()) : "";
      groups.merge(zone + "/" + domain, 1, Integer::sum);
    }
    long batches = 0;
    for (int size : groups.values()) {
      batches += (size + limit - 1) / limit;
    }
    return Math.toIntExact(batches);
  }

  // ---- parallelism in real time ----

  /** A driver whose calls take 200 ms of real time, all timed by one scheduled thread. */
  private static final class SlowDriver implements InstanceDriver, HealthSignal {
    private final ScheduledExecutorService timer;
    private final List<Instance> instances = new ArrayList<>();
    private final Map<String, ImageReference> images = new LinkedHashMap<>();

    SlowDriver(ScheduledExecutorService timer, int n) {
      this.timer = timer;
      for (int i = 0; i < n; i++) {
        instances.add(Instance.builder().instanceId(String.valueOf(i)).appliedImage(FROM).build());
      }
    }

    private CompletionStage<Void> later(Runnable effect) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      timer.schedule(() -> {
        effect.run();
        done.complete(null);
      }, 200, TimeUnit.MILLISECONDS);
      return done;
    }

    @Override
    public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
      return CompletableFuture.completedFuture(instances);
    }

    @Override
    public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
      return CompletableFuture.completedFuture(instances.get(Integer.parseInt(instanceId)));
    }

    @Override
    public synchronized CompletionStage<Void> replaceOsDisk(String s, String id, ImageReference image, List<Extension> e) {
      return later(() -> {
        synchronized (this) {
          images.put(id, image);
        }
      });
    }

    @Override
    public CompletionStage<Void> restorePreviousOsDisk(String s, String id) {
      return later(() -> { });
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String s, String id, Extension e, String v) {
      return later(() -> { });
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String s, String id) {
      return later(() -> { });
    }

    @Override
    public CompletionStage<HealthState> health(String scaleSetName, String instanceId) {
      return CompletableFuture.completedFuture(HealthState.HEALTHY);
    }
  }

  private static double parallelRatio() {
    int n = 200;
    RollingUpgradePolicy oneBatch = RollingUpgradePolicy.builder().maxBatchInstancePercent(100)
        .maxUnhealthyInstancePercent(100).build();
    ScheduledExecutorService runThread = Executors.newSingleThreadScheduledExecutor();
    ScheduledExecutorService driverTimer = Executors.newSingleThreadScheduledExecutor();
    try {
      double best = Double.MAX_VALUE;
      for (int attempt = 0; attempt < 5; attempt++) { // the first ones warm the JIT up
        SlowDriver driver = new SlowDriver(driverTimer, n);
        long start = System.nanoTime();
        RollingUpgradeRun run = RollingUpgrade.of(scaleSet(n, oneBatch)).driver(driver).health(driver)
            .scheduler(SystemScheduler.of(runThread)).start();
        run.completion().toCompletableFuture().join();
        double ratio = (System.nanoTime() - start) / 1e6 / 200.0;
        if (run.status().progress().orElseThrow().successfulInstanceCount() != n) {
          throw new IllegalStateException("the parallel batch did not complete: " + run.status());
        }
        best = attempt >= 2 ? Math.min(best, ratio) : best;
      }
      return best;
    } finally {
      runThread.shutdownNow();
      driverTimer.shutdownNow();
    }
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.3f", v);
  }
}
