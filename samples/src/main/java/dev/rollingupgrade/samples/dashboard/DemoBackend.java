package dev.rollingupgrade.samples.dashboard;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.plan.NaturalOrder;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's {@code --demo}: a {@code Manual} scale set {@code web} of 20 instances (2 zones x
 * 5 update domains, ids 0..19) on the testkit's fake fleet, every instance one Ubuntu image
 * version behind the model; instance 13 never becomes healthy after its upgrade, so a run shows a
 * failure. Each action starts a rolling upgrade run of the SDK: an update domain or chosen
 * instances all in one batch, a rolling upgrade in batches of the chosen size. Time is virtual:
 * {@link #startClock} moves it a given number of times faster than real time, so a person watching
 * the page sees a rollout in about a minute; tests move it with {@link #advance}.
 *
 * <p>A stand-in until the SDK's {@code Manual} mode service drives it: the dashboard only knows
 * {@link DashboardBackend}. Thread-safe: every method, and the clock's moves, hold one lock.
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
  private final ScaleSet model;
  private final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
  private final Map<String, HeatMap.Cell> settled = new HashMap<>(); // cells of the runs that ended, by id
  private RollingUpgradeRun run;
  private String description;
  private ScheduledExecutorService ticker;

  private DemoBackend() {
    fleet = FakeFleet.builder(clock).scaleSetName("web").instances(20).zones(2).updateDomains(UPDATE_DOMAINS)
        .image(FROM).upgradeLatency(Duration.ofMinutes(1)).timeToHealthy(Duration.ofSeconds(30)).build();
    fleet.instance(FAILING).neverBecomesHealthy();
    model = ScaleSet.builder().name("web").location("westeurope").addZones("1", "2").capacity(20)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(TO)
            .healthProbe(HealthProbeReference.of("/subscriptions/demo/resourceGroups/demo/providers/"
                + "Microsoft.Network/loadBalancers/web-lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).rollingUpgradePolicy(
            RollingUpgradePolicy.builder().healthTimeout(Duration.ofMinutes(2)).build()).build())
        .build();
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
    return model.name();
  }

  @Override
  public UpgradeMode upgradeMode() {
    return model.upgradePolicy().mode();
  }

  @Override
  public synchronized HeatMap heatMap() {
    settle();
    Map<String, HeatMap.Cell> fromRun = new HashMap<>();
    if (run != null) {
      run.heatMap().cells().forEach(c -> fromRun.put(c.instanceId(), c));
    }
    List<HeatMap.Cell> cells = new ArrayList<>();
    for (FakeInstance i : fleet.instances()) {
      HeatMap.Cell now = fromRun.get(i.id());
      HeatMap.Cell before = settled.get(i.id());
      // an instance the run found current keeps what the run that upgraded it showed
      if (now != null && !(now.state() == CellState.CURRENT && before != null)) {
        cells.add(now);
      } else if (before != null) {
        cells.add(before);
      } else {
        cells.add(new HeatMap.Cell(i.id(), i.zone(), i.updateDomain(),
            i.image().equals(TO) ? CellState.CURRENT : CellState.OUT_OF_DATE, 0));
      }
    }
    return HeatMap.of(model.name(), run == null ? "none" : run.runId(), clock.now(), cells);
  }

  @Override
  public synchronized Optional<DashboardRun> lastRun() {
    return run == null ? Optional.empty() : Optional.of(new DashboardRun(run.runId(), description, run.status()));
  }

  @Override
  public synchronized String upgradeUpdateDomain(int updateDomain) {
    if (updateDomain < 0 || updateDomain >= UPDATE_DOMAINS) {
      throw new IllegalArgumentException("scale set web has update domains 0 to " + (UPDATE_DOMAINS - 1)
          + ", not " + updateDomain);
    }
    requireIdle();
    Set<String> ids = new LinkedHashSet<>();
    fleet.instances().stream().filter(i -> i.updateDomain() == updateDomain).forEach(i -> ids.add(i.id()));
    return startSelection(ids, "upgrade of update domain " + updateDomain,
        "every instance of update domain " + updateDomain + " already runs the latest model");
  }

  @Override
  public synchronized String upgradeInstances(List<String> instanceIds) {
    if (instanceIds.isEmpty()) {
      throw new IllegalArgumentException("no instance ids given: select instances to upgrade");
    }
    Set<String> known = new HashSet<>();
    fleet.instances().forEach(i -> known.add(i.id()));
    TreeSet<String> unknown = new TreeSet<>(NaturalOrder.INSTANCE);
    instanceIds.stream().filter(id -> !known.contains(id)).forEach(unknown::add);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("scale set web has no instance" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown) + "; nothing was upgraded");
    }
    requireIdle();
    Set<String> ids = new LinkedHashSet<>(instanceIds);
    String named = "instance" + (ids.size() == 1 ? " " : "s ") + String.join(", ", ids);
    return startSelection(ids, "upgrade of " + named, named + (ids.size() == 1 ? " already runs" : " already run")
        + " the latest model");
  }

  @Override
  public synchronized String rollingUpgrade(int maxBatchInstancePercent) {
    if (maxBatchInstancePercent < 5 || maxBatchInstancePercent > 100) {
      throw new IllegalArgumentException("maxBatchInstancePercent must be between 5 and 100, got "
          + maxBatchInstancePercent);
    }
    requireIdle();
    if (outOfDate(id -> true) == 0) {
      return "nothing to upgrade: every instance runs the latest model";
    }
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().from(model.upgradePolicy().rollingUpgradePolicy())
        .maxBatchInstancePercent(maxBatchInstancePercent).build();
    start(fleet, policy, "rolling upgrade in batches of at most " + maxBatchInstancePercent + " %");
    return "started a " + description + ": run " + run.runId();
  }

  @Override
  public synchronized String cancel() {
    if (run == null || run.isFinished() || !running()) {
      throw new IllegalStateException("no run in progress: nothing to cancel");
    }
    run.cancel();
    return "asked run " + run.runId() + " to stop: the batch in flight finishes, no new batch starts";
  }

  private String startSelection(Set<String> ids, String what, String allCurrent) {
    if (outOfDate(ids::contains) == 0) {
      return "nothing to upgrade: " + allCurrent;
    }
    // the chosen instances only, all in one batch, as Azure's manualUpgrade does
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().from(model.upgradePolicy().rollingUpgradePolicy())
        .maxBatchInstancePercent(100).maxUnhealthyInstancePercent(100).maxUnhealthyUpgradedInstancePercent(100)
        .enableCrossZoneUpgrade(true).respectUpdateDomains(false).build();
    start(new Selection(fleet, ids), policy, what);
    return "started the " + description + ": run " + run.runId();
  }

  private void start(InstanceDriver driver, RollingUpgradePolicy policy, String what) {
    settle();
    run = RollingUpgrade.of(model).driver(driver).health(fleet).scheduler(clock).store(store).policy(policy)
        .startedBy(UpgradeOperationInvoker.USER).start();
    description = what;
  }

  private long outOfDate(Predicate<String> chosen) {
    return fleet.instances().stream().filter(i -> chosen.test(i.id()) && !i.image().equals(TO)).count();
  }

  private void requireIdle() {
    if (model.upgradePolicy().mode() != UpgradeMode.MANUAL) {
      throw new IllegalStateException("scale set web has upgrade mode " + model.upgradePolicy().mode().azureName()
          + ": only a Manual set is upgraded from the dashboard");
    }
    if (running()) {
      throw new IllegalStateException("run " + run.runId() + " (" + description + ") is in progress: wait for it "
          + "or cancel it");
    }
  }

  private boolean running() {
    return run != null && !run.isFinished() && run.status().runningStatus().flatMap(RunningStatus::code)
        .map(c -> c == RollingUpgradeStatusCode.ROLLING_FORWARD).orElse(true);
  }

  /** Once the run has ended, what it showed becomes what its instances show until another run changes them. */
  private void settle() {
    if (run == null || !run.isFinished()) {
      return;
    }
    for (HeatMap.Cell c : run.heatMap().cells()) {
      if (!(c.state() == CellState.CURRENT && settled.containsKey(c.instanceId()))) {
        settled.put(c.instanceId(), c);
      }
    }
  }

  /** The fleet as a driver that lists only the chosen instances, so a run upgrades only those. */
  private static final class Selection implements InstanceDriver {
    private final FakeFleet fleet;
    private final Set<String> ids;

    Selection(FakeFleet fleet, Set<String> ids) {
      this.fleet = fleet;
      this.ids = Set.copyOf(ids);
    }

    @Override
    public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
      return fleet.listInstances(scaleSetName)
          .thenApply(all -> all.stream().filter(i -> ids.contains(i.instanceId())).toList());
    }

    @Override
    public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
      return fleet.getInstance(scaleSetName, instanceId);
    }

    @Override
    public CompletionStage<Void> replaceOsDisk(String scaleSetName, String instanceId, ImageReference image,
        List<Extension> extensionsInOrder) {
      return fleet.replaceOsDisk(scaleSetName, instanceId, image, extensionsInOrder);
    }

    @Override
    public CompletionStage<Void> restorePreviousOsDisk(String scaleSetName, String instanceId) {
      return fleet.restorePreviousOsDisk(scaleSetName, instanceId);
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String scaleSetName, String instanceId, Extension extension,
        String version) {
      return fleet.setExtensionVersion(scaleSetName, instanceId, extension, version);
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String scaleSetName, String instanceId) {
      return fleet.applyLatestModel(scaleSetName, instanceId);
    }

    @Override
    public Optional<CompletionStage<Instance>> whenSettled(String scaleSetName, String instanceId) {
      return fleet.whenSettled(scaleSetName, instanceId);
    }
  }
}
