package dev.rollingupgrade.testkit;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.core.mode.ModelUpgrades;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Everything a test of rolling upgrades needs, wired together: virtual time, a fake fleet (driver,
 * health signal and image catalog), an in-memory store, and assertions that check a run against
 * every rule. Hours of rollout run in milliseconds:
 *
 * <pre>{@code
 * @ExtendWith(RolloutTestExtension.class)
 * class HundredInstanceRolloutTest {
 *   @Test
 *   @FleetOptions(instances = 100, zones = 3, updateDomains = 5)
 *   void aHundredInstancesRollOverHoursOfVirtualTime(RolloutTestEnvironment env) {
 *     env.fleet().instance("42").neverBecomesHealthy();                  // one bad apple
 *     env.fleet().zone("3").timeToHealthy(Duration.ofMinutes(4));          // a slow zone
 *     ScaleSet set = env.scaleSet(RollingUpgradePolicy.builder()
 *         .pauseTimeBetweenBatches(Duration.ofMinutes(10)).build());
 *
 *     RollingUpgradeRun run = env.start(set, upgrade -> upgrade.startedBy(UpgradeOperationInvoker.PLATFORM));
 *     Duration took = env.runUntilDone();                                  // milliseconds of real time
 *
 *     env.assertThat(run).obeysPolicy().isCompleted().hasRolledBack("42");
 *     assertTrue(took.compareTo(Duration.ofHours(2)) > 0);                  // 15 batches, 14 pauses
 *   }
 * }
 * }</pre>
 *
 * <p>The fleet runs {@link #currentImage()}; {@link #scaleSet} models a set whose image is
 * {@link #nextImage()}, so every instance needs the upgrade. Not thread-safe: one per test.
 */
public final class RolloutTestEnvironment {
  /** The image the fleet runs at the start. */
  public static final ImageReference CURRENT_IMAGE =
      ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202409010");
  /** The image {@link #scaleSet} upgrades to. */
  public static final ImageReference NEXT_IMAGE =
      ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202410010");

  private final VirtualScheduler clock;
  private final FakeFleet fleet;
  private final InMemoryRolloutStore store = new InMemoryRolloutStore();
  private final Map<RollingUpgradeRun, Tracked> runs = new IdentityHashMap<>(); // lookups only

  private RolloutTestEnvironment(Builder b) {
    this.clock = VirtualScheduler.startingAt(b.start);
    FakeFleet.Builder fleetBuilder = FakeFleet.builder(clock).scaleSetName(b.scaleSetName).instances(b.instances)
        .zones(b.zones).updateDomains(b.updateDomains).seed(b.seed).image(CURRENT_IMAGE);
    b.fleetOptions.accept(fleetBuilder);
    this.fleet = fleetBuilder.build();
  }

  /** An environment with 10 instances in 1 zone and 5 update domains, starting 2026-01-01T00:00Z. */
  public static RolloutTestEnvironment create() {
    return builder().build();
  }

  /** Configures an environment. */
  public static Builder builder() {
    return new Builder();
  }

  /** Virtual time: {@code now()}, {@code advanceBy}, {@code runUntilIdle}. */
  public VirtualScheduler clock() {
    return clock;
  }

  /** The fake fleet: driver, health signal and image catalog, scriptable per instance. */
  public FakeFleet fleet() {
    return fleet;
  }

  /** The store every run of this environment journals to. */
  public InMemoryRolloutStore store() {
    return store;
  }

  /** The image the fleet runs at the start. */
  public ImageReference currentImage() {
    return CURRENT_IMAGE;
  }

  /** The image {@link #scaleSet} upgrades to. */
  public ImageReference nextImage() {
    return NEXT_IMAGE;
  }

  /** The fleet's scale set in mode Rolling with Azure's default policy, modelling {@link #nextImage()}. */
  public ScaleSet scaleSet() {
    return scaleSet(RollingUpgradePolicy.defaults());
  }

  /** The fleet's scale set in mode Rolling with {@code policy}, modelling {@link #nextImage()}. */
  public ScaleSet scaleSet(RollingUpgradePolicy policy) {
    return ScaleSet.builder().name(fleetName()).location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(NEXT_IMAGE)
            .healthProbe(HealthProbeReference.of("/subscriptions/test/providers/Microsoft.Network/loadBalancers/lb/probes/http"))
            .build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(policy).build())
        .capacity(fleet.size())
        .build();
  }

  /** Starts a rolling upgrade of {@code set} on the fleet (started by a user). */
  public RollingUpgradeRun start(ScaleSet set) {
    return start(set, UnaryOperator.identity());
  }

  /**
   * Starts a rolling upgrade of {@code set} on the fleet; {@code options} may set anything of the
   * {@link RollingUpgrade} (who starts it, target image, listeners, timeouts) before it starts.
   */
  public RollingUpgradeRun start(ScaleSet set, UnaryOperator<RollingUpgrade> options) {
    RolloutInvariants invariants = RolloutInvariants.before(set, fleet);
    RunRecorder recorder = new RunRecorder(fleet);
    RollingUpgrade upgrade = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock).store(store)
        .listener(recorder);
    RollingUpgradeRun run = options.apply(upgrade).start();
    recorder.watch(run);
    runs.put(run, new Tracked(invariants, recorder));
    return run;
  }

  /**
   * The model of the fleet as it runs now ({@link #currentImage()}), in {@code mode}, with the
   * default rolling policy: the start of the model update workflow.
   */
  public ScaleSet currentModel(UpgradeMode mode) {
    ScaleSet set = scaleSet();
    return ScaleSet.builder().from(set)
        .virtualMachineProfile(VirtualMachineProfile.builder().from(set.virtualMachineProfile())
            .imageReference(CURRENT_IMAGE).build())
        .upgradePolicy(UpgradePolicy.builder().from(set.upgradePolicy()).mode(mode).build()).build();
  }

  /**
   * The model update workflow and upgrade modes of {@code model} on this environment: the fleet
   * holds {@code model} as its {@code ModelStore} model (its instances stay up to date), and the
   * runs use the fleet, the virtual clock and {@link #store()}.
   */
  public ModelUpgrades modelUpgrades(ScaleSet model) {
    fleet.put(model).toCompletableFuture().join();
    return ModelUpgrades.of(model.name()).models(fleet).driver(fleet).health(fleet).scheduler(clock).store(store);
  }

  /** Recovery of this environment's unfinished runs, wired to its fleet, clock and store. */
  public RolloutRecovery recovery() {
    return RolloutRecovery.of(store).driver(fleet).health(fleet).scheduler(clock);
  }

  /** Runs virtual time until nothing is left to do; returns how much virtual time passed. */
  public Duration runUntilDone() {
    Instant before = clock.now();
    clock.runUntilIdle();
    return Duration.between(before, clock.now());
  }

  /** Moves virtual time on by {@code duration}, running what falls due. */
  public void advance(Duration duration) {
    clock.advanceBy(duration);
  }

  /** Assertions on a run started by this environment. */
  public RunAssert assertThat(RollingUpgradeRun run) {
    Tracked tracked = runs.get(Objects.requireNonNull(run, "run"));
    if (tracked == null) {
      throw new IllegalArgumentException("run " + run.runId() + " was not started by this environment: start it with env.start(...)");
    }
    return new RunAssert(run, tracked.invariants(), tracked.recorder(), fleet);
  }

  private String fleetName() {
    return fleet.scaleSetName();
  }

  private record Tracked(RolloutInvariants invariants, RunRecorder recorder) {}

  /** Configures a {@link RolloutTestEnvironment}. Not thread-safe. */
  public static final class Builder {
    private Instant start = VirtualScheduler.DEFAULT_START;
    private long seed;
    private int instances = 10;
    private int zones = 1;
    private int updateDomains = 5;
    private String scaleSetName = "vmss";
    private Consumer<FakeFleet.Builder> fleetOptions = b -> { };

    private Builder() {}

    /** Where virtual time starts; default 2026-01-01T00:00:00Z. */
    public Builder startTime(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** Seed of the fleet's randomness; default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Instances in the fleet; default 10. */
    public Builder instances(int count) {
      this.instances = count;
      return this;
    }

    /** Zones of the fleet (0: regional); default 1. */
    public Builder zones(int count) {
      this.zones = count;
      return this;
    }

    /** Update domains of the fleet; default 5. */
    public Builder updateDomains(int count) {
      this.updateDomains = count;
      return this;
    }

    /** The scale set's name; default {@code vmss}. */
    public Builder scaleSetName(String name) {
      this.scaleSetName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Anything else of the fleet: latencies, fault rate, push or poll, id prefix. */
    public Builder fleet(Consumer<FakeFleet.Builder> options) {
      this.fleetOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The environment. */
    public RolloutTestEnvironment build() {
      return new RolloutTestEnvironment(this);
    }
  }
}
