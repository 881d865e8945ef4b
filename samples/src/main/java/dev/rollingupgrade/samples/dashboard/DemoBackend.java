package dev.rollingupgrade.samples.dashboard;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.core.mode.ModelUpgrades;
import dev.rollingupgrade.core.mode.OsUpdate;
import dev.rollingupgrade.core.plan.NaturalOrder;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's {@code --demo}: a {@code Manual} scale set {@code web} of 20 instances (2 zones x
 * 5 update domains, ids 0..19) on the testkit's fake fleet, driven by the SDK's
 * {@link ModelUpgrades}. At the start the model gets a new image version (the article's model
 * update), so every instance is out of date and nothing moves; instance 13 never becomes healthy
 * after its upgrade, so a run shows a failure. The actions are {@code upgradeUpdateDomain},
 * {@code manualUpgrade} and {@code rollingUpgrade} of the service. Time is virtual:
 * {@link #startClock} moves it a given number of times faster than real time, so a person watching
 * the page sees a rollout in about a minute; tests move it with {@link #advance}. Thread-safe: every
 * method, and the clock's moves, hold one lock.
 */
public final class DemoBackend implements DashboardBackend, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoBackend.class);
  /** The image the instances run at the start. */
  static final ImageReference FROM = RolloutTestEnvironment.CURRENT_IMAGE;
  /** The model's image: what every run upgrades to. */
  static final ImageReference TO = RolloutTestEnvironment.NEXT_IMAGE;
  /** The instance that never becomes healthy after its upgrade. */
  static final String FAILING = "13";
  /** Update domains of the demo set. */
  static final int UPDATE_DOMAINS = 5;
  /** How much faster than real time the demo's clock runs by default. */
  public static final double DEFAULT_SPEED = 20;
  private static final long TICK_MILLIS = 50;

  private final VirtualScheduler clock = VirtualScheduler.create();
  private final FakeFleet fleet;
  private final ModelUpgrades vmss;
  private final Map<String, HeatMap.Cell> settled = new HashMap<>(); // what ended runs showed, by id
  private final Map<String, String> descriptions = new HashMap<>(); // run id -> what the user asked for
  private ScheduledExecutorService ticker;

  private DemoBackend() {
    fleet = FakeFleet.builder(clock).scaleSetName("web").instances(20).zones(2).updateDomains(UPDATE_DOMAINS)
        .image(FROM).upgradeLatency(Duration.ofMinutes(1)).timeToHealthy(Duration.ofSeconds(30)).build();
    fleet.instance(FAILING).neverBecomesHealthy();
    ScaleSet model = ScaleSet.builder().name("web").location("westeurope").addZones("1", "2").capacity(20)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(FROM)
            .healthProbe(HealthProbeReference.of("/subscriptions/demo/resourceGroups/demo/providers/"
                + "Microsoft.Network/loadBalancers/web-lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).rollingUpgradePolicy(
            // batches of up to half the set may be chosen; larger ones are refused by the gate's limit
            RollingUpgradePolicy.builder().healthTimeout(Duration.ofMinutes(2)).maxUnhealthyInstancePercent(50)
                .build()).build())
        .build();
    fleet.put(model);
    vmss = ModelUpgrades.of("web").models(fleet).driver(fleet).health(fleet).scheduler(clock)
        .store(new InMemoryRolloutStore(SchedulerClock.of(clock)));
    // the article's first steps: the model gets the new version; a Manual set waits for the user
    done(vmss.updateModel(OsUpdate.platformVersion(TO.version().orElseThrow())));
  }

  /** The demo set, its clock standing still until {@link #startClock} or {@link #advance}. */
  public static DemoBackend create() {
    return new DemoBackend();
  }

  /**
   * Moves virtual time {@code speed} times as fast as real time, on a daemon thread, from now until
   * {@link #close()}.
   *
   * @return this backend
   * @throws IllegalArgumentException if the speed is not between 1 and 10000
   * @throws IllegalStateException if the clock already runs
   */
  public synchronized DemoBackend startClock(double speed) {
    if (!(speed >= 1 && speed <= 10_000)) {
      throw new IllegalArgumentException("speed must be between 1 and 10000, got " + speed);
    }
    if (ticker != null) {
      throw new IllegalStateException("the demo clock already runs");
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dashboard-demo-clock");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime(); // real time drives the demo's virtual clock, nothing else
    long[] moved = {0}; // virtual milliseconds moved so far: whole ones, so the page shows tidy times
    ticker.scheduleAtFixedRate(() -> {
      long due = (long) ((System.nanoTime() - start) / 1e6 * speed);
      long step = due - moved[0];
      moved[0] = due;
      try {
        advance(Duration.ofMillis(step));
      } catch (RuntimeException e) {
        LOG.warn("demo: moving the clock failed: {}", e.toString());
      }
    }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Moves virtual time by {@code duration}, running what falls due (the run's and the fleet's work). */
  public synchronized void advance(Duration duration) {
    clock.advanceBy(duration);
    settle();
  }

  /** The fake fleet under the demo (for tests). */
  FakeFleet fleet() {
    return fleet;
  }

  /** Stops the clock's thread. The backend keeps answering, with time standing still. */
  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }

  @Override
  public String scaleSetName() {
    return vmss.scaleSetName();
  }

  @Override
  public UpgradeMode upgradeMode() {
    return done(vmss.model()).upgradePolicy().mode();
  }

  /**
   * The run in progress's map, or the fleet's (current or out of date); an instance the map shows
   * as current keeps what the run that upgraded it showed (healthy, failed).
   */
  @Override
  public synchronized HeatMap heatMap() {
    settle();
    HeatMap now = done(vmss.heatMap());
    List<HeatMap.Cell> cells = new ArrayList<>();
    for (HeatMap.Cell c : now.cells()) {
      HeatMap.Cell before = settled.get(c.instanceId());
      cells.add(c.state() == CellState.CURRENT && before != null ? before : c);
    }
    return HeatMap.of(now.scaleSetName(), vmss.currentRun().map(RollingUpgradeRun::runId).orElse("none"),
        clock.now(), cells);
  }

  @Override
  public synchronized Optional<DashboardRun> lastRun() {
    return vmss.currentRun().map(r -> new DashboardRun(r.runId(), descriptions.get(r.runId()), r.status()));
  }

  @Override
  public synchronized String upgradeUpdateDomain(int updateDomain) {
    requireManual();
    Set<String> ids = new LinkedHashSet<>();
    fleet.instances().stream().filter(i -> i.updateDomain() == updateDomain).forEach(i -> ids.add(i.id()));
    if (!ids.isEmpty() && outOfDate(ids::contains) == 0) {
      return "nothing to upgrade: every instance of update domain " + updateDomain + " already runs the latest model";
    }
    return started(() -> vmss.upgradeUpdateDomain(updateDomain), "upgrade of update domain " + updateDomain);
  }

  @Override
  public synchronized String upgradeInstances(List<String> instanceIds) {
    if (instanceIds.isEmpty()) {
      throw new IllegalArgumentException("no instance ids given: select instances to upgrade");
    }
    requireManual();
    Set<String> ids = new TreeSet<>(NaturalOrder.INSTANCE);
    ids.addAll(instanceIds);
    String named = "instance" + (ids.size() == 1 ? " " : "s ") + String.join(", ", ids);
    boolean allKnown = ids.stream().allMatch(id -> fleet.instances().stream().anyMatch(i -> i.id().equals(id)));
    if (allKnown && outOfDate(ids::contains) == 0) {
      return "nothing to upgrade: " + named + (ids.size() == 1 ? " already runs" : " already run") + " the latest model";
    }
    return started(() -> vmss.manualUpgrade(ids), "upgrade of " + named);
  }

  @Override
  public synchronized String rollingUpgrade(int maxBatchInstancePercent) {
    requireManual();
    if (outOfDate(id -> true) == 0 && maxBatchInstancePercent >= 5 && maxBatchInstancePercent <= 100) {
      return "nothing to upgrade: every instance runs the latest model";
    }
    return started(() -> vmss.rollingUpgrade(maxBatchInstancePercent), "rolling upgrade in batches of at most "
        + maxBatchInstancePercent + " %");
  }

  @Override
  public synchronized String cancel() {
    RollingUpgradeRun run = vmss.currentRun().filter(r -> !r.isFinished()).orElseThrow(() ->
        new IllegalStateException("no run in progress: nothing to cancel"));
    run.cancel();
    return "asked run " + run.runId() + " to stop: the batch in flight finishes, no new batch starts";
  }

  /** Starts a run through the library; its refusals (bad input, a run in progress) reach the caller as they are. */
  private String started(Supplier<CompletionStage<RollingUpgradeRun>> start, String what) {
    settle();
    RollingUpgradeRun run = done(start.get());
    descriptions.put(run.runId(), what);
    return "started " + (what.startsWith("rolling") ? "a " : "the ") + what + ": run " + run.runId();
  }

  private long outOfDate(Predicate<String> chosen) {
    return fleet.instances().stream().filter(i -> chosen.test(i.id()) && !i.image().equals(TO)).count();
  }

  private void requireManual() {
    UpgradeMode mode = upgradeMode();
    if (mode != UpgradeMode.MANUAL) {
      throw new IllegalStateException("scale set web has upgrade mode " + mode.azureName()
          + ": only a Manual set is upgraded from the dashboard");
    }
  }

  /** What the last ended run showed of the instances it upgraded stays shown until another run changes them. */
  private void settle() {
    vmss.currentRun().filter(RollingUpgradeRun::isFinished).ifPresent(run -> {
      for (HeatMap.Cell c : run.heatMap().cells()) {
        if (c.state() != CellState.CURRENT && c.state() != CellState.OUT_OF_DATE) {
          settled.put(c.instanceId(), c);
        }
      }
    });
  }

  /** The fake fleet answers at once; a refusal comes out as the exception the library gave. */
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
