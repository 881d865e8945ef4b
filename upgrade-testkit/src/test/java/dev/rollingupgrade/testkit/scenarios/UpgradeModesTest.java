package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.ModelStore;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.mode.ModelUpdate;
import dev.rollingupgrade.core.mode.ModelUpgrades;
import dev.rollingupgrade.core.mode.OsUpdate;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RunScope;
import dev.rollingupgrade.core.run.UpgradeKind;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §8: the model update workflow and the Manual, Automatic and Rolling modes, on a fake
 * fleet of 10 instances in one zone, instance {@code i} in update domain {@code i mod 5}.
 */
class UpgradeModesTest {
  private static final String NEW_VERSION = "24.04.202411010";

  private final RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(10).zones(1)
      .updateDomains(5).build();
  private final FakeFleet fleet = env.fleet();
  private final List<UpgradeEvent> events = new ArrayList<>();

  private ModelUpgrades upgrades(UpgradeMode mode) {
    return env.modelUpgrades(env.currentModel(mode)).listener(events::add);
  }

  private static <T> T done(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  /** Ids of the instances the driver was asked to upgrade, in call order. */
  private List<String> upgraded() {
    return fleet.stateChangingCalls().stream().map(DriverCall::instanceId).toList();
  }

  private Set<String> outOfDate() {
    return done(fleet.listInstances(fleet.scaleSetName())).stream().filter(i -> !i.latestModelApplied())
        .map(i -> i.instanceId()).collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> updateDomain(int ud) {
    return fleet.updateDomain(ud).members().stream().map(FakeInstance::id).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void manualModeMovesNothingUntilAnExplicitCall() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    ModelUpdate update = done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    env.advance(Duration.ofHours(6));

    assertThat(update.run()).isEmpty();
    assertThat(update.change().changes()).containsExactly(
        "properties.virtualMachineProfile.storageProfile.imageReference.version: 24.04.202409010 -> " + NEW_VERSION);
    assertThat(outOfDate()).hasSize(10);
    assertThat(upgraded()).isEmpty();
    assertThat(events).extracting(UpgradeEvent::type).containsExactly(UpgradeEventType.MODEL_UPDATED);
    assertThat(done(vmss.heatMap()).count(CellState.OUT_OF_DATE)).isEqualTo(10);
  }

  @Test
  void upgradeUpdateDomainMovesExactlyThatDomainAtOnce() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    RollingUpgradeRun run = done(vmss.upgradeUpdateDomain(1));
    env.runUntilDone();

    assertThat(run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(run.kind()).isEqualTo(UpgradeKind.MODEL);
    assertThat(run.batches()).hasSize(1);
    assertThat(new TreeSet<>(run.batches().get(0).instanceIds())).isEqualTo(updateDomain(1));
    assertThat(new TreeSet<>(upgraded())).isEqualTo(updateDomain(1));
    assertThat(outOfDate()).hasSize(8).doesNotContainAnyElementsOf(updateDomain(1));
    for (String id : updateDomain(1)) {
      assertThat(fleet.instance(id).image().version()).contains(NEW_VERSION);
    }
    HeatMap map = done(vmss.heatMap());
    assertThat(map.rows()).hasSize(5);
    assertThat(map.rows().get(1).cells()).allMatch(c -> c.state() == CellState.CURRENT);
    assertThat(map.count(CellState.OUT_OF_DATE)).isEqualTo(8);
  }

  @Test
  void manualUpgradeMovesTheChosenInstancesAndLeavesCurrentOnesAlone() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    done(vmss.manualUpgrade(List.of("3", "7")));
    env.runUntilDone();
    assertThat(upgraded()).containsExactlyInAnyOrder("3", "7");

    RollingUpgradeRun again = done(vmss.manualUpgrade(List.of("7", "3")));
    env.runUntilDone();
    assertThat(again.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(again.batches()).isEmpty();
    assertThat(upgraded()).as("already-current ids are a no-op").hasSize(2);
  }

  @Test
  void unknownIdsAreNamedAndNothingIsUpgraded() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    assertThatThrownBy(() -> done(vmss.manualUpgrade(List.of("2", "ghost", "42"))))
        .isInstanceOf(CompletionException.class).cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no instance 42, ghost")
        .hasMessageContaining("nothing was upgraded");
    assertThatThrownBy(() -> done(vmss.upgradeUpdateDomain(7))).cause()
        .hasMessageContaining("no instance in update domain 7 (its update domains: [0, 1, 2, 3, 4])");
    assertThatThrownBy(() -> vmss.manualUpgrade(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("instanceIds");
    assertThatThrownBy(() -> vmss.upgradeUpdateDomain(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("updateDomain must be between 0 and 999");
    assertThatThrownBy(() -> vmss.rollingUpgrade(4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchInstancePercent must be between 5 and 100, was 4");
    env.runUntilDone();
    assertThat(upgraded()).isEmpty();
    assertThat(env.store().unfinishedRuns()).isEmpty();
    // the refused calls left nothing half-started: a good call goes through
    done(vmss.manualUpgrade(List.of("2")));
    env.runUntilDone();
    assertThat(upgraded()).containsExactly("2");
  }

  @Test
  void aRollingUpgradeUsesTheChosenBatchSize() {
    RolloutTestEnvironment flat = RolloutTestEnvironment.builder().instances(10).zones(1).updateDomains(1).build();
    ModelUpgrades vmss = flat.modelUpgrades(flat.currentModel(UpgradeMode.MANUAL));
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    assertThatThrownBy(() -> done(vmss.rollingUpgrade(50))).cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchInstancePercent 50 is above the set's properties.upgradePolicy"
            + ".rollingUpgradePolicy.maxUnhealthyInstancePercent 20");
    assertThat(flat.fleet().stateChangingCalls()).isEmpty();
    done(vmss.updateModel(set -> ScaleSet.builder().from(set).upgradePolicy(UpgradePolicy.builder()
        .from(set.upgradePolicy()).rollingUpgradePolicy(RollingUpgradePolicy.builder()
            .from(set.upgradePolicy().rollingUpgradePolicy()).maxUnhealthyInstancePercent(50).build()).build())
        .build()));
    RollingUpgradeRun run = done(vmss.rollingUpgrade(50));
    flat.runUntilDone();
    assertThat(run.batches()).extracting(b -> b.instanceIds().size()).containsExactly(5, 5);
    assertThat(flat.fleet().instances()).allMatch(i -> i.image().version().orElseThrow().equals(NEW_VERSION));
  }

  @Test
  void automaticModeUpgradesEveryOutOfDateInstanceAtOnceWithADowntimeWarning() {
    ModelUpgrades vmss = upgrades(UpgradeMode.AUTOMATIC);
    ModelUpdate update = done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    env.runUntilDone();

    RollingUpgradeRun run = update.run().orElseThrow();
    assertThat(run.batches()).hasSize(1);
    assertThat(run.batches().get(0).instanceIds()).hasSize(10);
    assertThat(run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(events).extracting(UpgradeEvent::type).containsSubsequence(UpgradeEventType.MODEL_UPDATED,
        UpgradeEventType.RUN_STARTED, UpgradeEventType.DOWNTIME_WARNING, UpgradeEventType.BATCH_STARTED);
    assertThat(events.stream().filter(e -> e.type() == UpgradeEventType.DOWNTIME_WARNING).findFirst().orElseThrow()
        .message().orElseThrow()).contains("all 10 out-of-date instances are upgraded at once");
    assertThat(outOfDate()).isEmpty();
  }

  @Test
  void rollingModeStartsARollingRunByThePolicy() {
    ModelUpgrades vmss = upgrades(UpgradeMode.ROLLING);
    ModelUpdate update = done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    env.runUntilDone();
    RollingUpgradeRun run = update.run().orElseThrow();
    assertThat(run.batches()).hasSize(5); // 20 % of 10 = 2 per batch, one update domain each
    for (var batch : run.batches()) {
      assertThat(batch.instanceIds().stream().map(id -> fleet.instance(id).updateDomain()).distinct()).hasSize(1);
    }
    assertThat(events).extracting(UpgradeEvent::type).doesNotContain(UpgradeEventType.DOWNTIME_WARNING);
    assertThat(outOfDate()).isEmpty();
  }

  @Test
  void aChangeThatReachesNoInstanceStartsNoRunInAnyMode() {
    for (UpgradeMode mode : UpgradeMode.values()) {
      RolloutTestEnvironment e = RolloutTestEnvironment.create();
      ModelUpgrades vmss = e.modelUpgrades(e.currentModel(mode));
      ModelUpdate update = done(vmss.updateModel(set -> ScaleSet.builder().from(set).capacity(set.capacity() + 1)
          .build()));
      assertThat(update.run()).as(mode.azureName()).isEmpty();
      assertThat(update.change().changes()).containsExactly("sku.capacity: 10 -> 11");
      assertThat(update.change().reachesInstances()).isFalse();
    }
  }

  @Test
  void oneRunAtATime() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    RollingUpgradeRun run = done(vmss.upgradeUpdateDomain(0));
    assertThatThrownBy(() -> vmss.upgradeUpdateDomain(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run " + run.runId() + " of scale set vmss is in progress");
    assertThatThrownBy(() -> vmss.updateModel(OsUpdate.platformVersion("24.04.202412010")))
        .isInstanceOf(IllegalStateException.class);
    env.advance(Duration.ofSeconds(1)); // its one batch is in flight: cancel lets it finish
    vmss.cancel();
    env.runUntilDone();
    assertThat(run.isFinished()).isTrue();
    assertThatThrownBy(vmss::cancel).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nothing to cancel");
    done(vmss.upgradeUpdateDomain(1));
    env.runUntilDone();
    assertThat(new TreeSet<>(upgraded())).isEqualTo(union(updateDomain(0), updateDomain(1)));
  }

  @Test
  void aScopedRunIsResumedWithItsScope() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    RollingUpgradeRun run = done(vmss.upgradeUpdateDomain(2));
    env.advance(Duration.ofSeconds(30)); // the upgrade calls are under way
    run.abandon(); // the host stops
    env.advance(Duration.ofMinutes(10)); // the lease expires

    ModelUpgrades restarted = ModelUpgrades.of("vmss").models(fleet).driver(fleet).health(fleet)
        .scheduler(env.clock()).store(env.store());
    List<RollingUpgradeRun> resumed = restarted.resume();
    env.runUntilDone();

    assertThat(resumed).extracting(RollingUpgradeRun::runId).containsExactly(run.runId());
    assertThat(resumed.get(0).status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(upgraded()).as("each instance of UD 2 once, no other").hasSameSizeAs(updateDomain(2));
    assertThat(new TreeSet<>(upgraded())).isEqualTo(updateDomain(2));
    assertThat(outOfDate()).doesNotContainAnyElementsOf(updateDomain(2)).hasSize(8);
  }

  @Test
  void aScopedRunFailsBeforeAnyUpgradeWhenTheDriverDoesNotListItsInstancesOrDomain() {
    // the engine checks too (an instance may go between the call's check and the run's listing)
    for (RunScope scope : List.of(RunScope.instances(List.of("1", "ghost")), RunScope.updateDomain(9))) {
      RolloutTestEnvironment e = RolloutTestEnvironment.create();
      RollingUpgradeRun run = e.start(e.scaleSet(), u -> u.scope(scope));
      e.runUntilDone();
      var error = run.status().error().orElseThrow();
      assertThat(error.code()).contains(scope.updateDomain().isPresent() ? "UpdateDomainHasNoInstances"
          : "UnknownInstanceIds");
      assertThat(error.message().orElseThrow()).contains(scope.updateDomain().isPresent()
          ? "has no instance in update domain 9 (its update domains: [0, 1, 2, 3, 4]); nothing was upgraded"
          : "has no instance ghost; nothing was upgraded");
      assertThat(e.fleet().stateChangingCalls()).isEmpty();
    }
  }

  @Test
  void aPlugInThatThrowsLeavesTheWorkflowUsable() {
    ScaleSet model = env.currentModel(UpgradeMode.MANUAL);
    fleet.put(model);
    boolean[] down = {true};
    ModelStore flaky = new ModelStore() {
      @Override
      public CompletionStage<ScaleSet> get(String name) {
        if (down[0]) {
          throw new IllegalStateException("store down"); // a throw, not a failed stage
        }
        return fleet.get(name);
      }

      @Override
      public CompletionStage<Void> put(ScaleSet m) {
        return fleet.put(m);
      }
    };
    ModelUpgrades vmss = ModelUpgrades.of("vmss").models(flaky).driver(fleet).health(fleet).scheduler(env.clock())
        .store(env.store());
    assertThatThrownBy(() -> done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)))).cause()
        .hasMessage("store down");
    down[0] = false;
    assertThat(done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION))).change().isEmpty()).isFalse();
    assertThat(outOfDate()).hasSize(10);
  }

  @Test
  void aStoreThatNeverAnswersTimesOutAndLeavesTheWorkflowUsable() {
    ScaleSet model = env.currentModel(UpgradeMode.MANUAL);
    fleet.put(model);
    boolean[] hangs = {true};
    ModelStore hanging = new ModelStore() {
      @Override
      public CompletionStage<ScaleSet> get(String name) {
        return hangs[0] ? new java.util.concurrent.CompletableFuture<>() : fleet.get(name);
      }

      @Override
      public CompletionStage<Void> put(ScaleSet m) {
        return fleet.put(m);
      }
    };
    ModelUpgrades vmss = ModelUpgrades.of("vmss").models(hanging).driver(fleet).health(fleet).scheduler(env.clock())
        .store(env.store());
    var stage = vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)).toCompletableFuture();
    env.advance(Duration.ofMinutes(31)); // past the default call timeout of 30 minutes
    assertThatThrownBy(stage::join).cause().isInstanceOf(java.util.concurrent.TimeoutException.class)
        .hasMessageContaining("get(vmss) did not answer within");
    hangs[0] = false;
    assertThat(done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION))).change().isEmpty()).isFalse();
  }

  @Test
  void aMissingPlugInIsNamedBeforeAnythingIsStored() {
    ScaleSet model = env.currentModel(UpgradeMode.ROLLING);
    fleet.put(model);
    ModelUpgrades noClock = ModelUpgrades.of("vmss").models(fleet).driver(fleet).health(fleet);
    assertThatThrownBy(() -> noClock.updateModel(OsUpdate.platformVersion(NEW_VERSION)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("need scheduler(Scheduler) first");
    assertThat(done(fleet.get("vmss"))).isEqualTo(model);
    assertThat(outOfDate()).isEmpty();
  }

  @Test
  void switchingAManualSetToRollingMovesTheInstancesItLeftOutOfDate() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    ModelUpdate update = done(vmss.updateModel(set -> ScaleSet.builder().from(set)
        .upgradePolicy(UpgradePolicy.builder().from(set.upgradePolicy()).mode(UpgradeMode.ROLLING).build()).build()));
    assertThat(update.change().reachesInstances()).isFalse();
    env.runUntilDone();
    assertThat(update.run()).isPresent();
    assertThat(outOfDate()).isEmpty();
  }

  @Test
  void unknownIdsAreListedShortlyAndPrintably() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add("ghost-" + i);
    }
    ids.add("evil\nINFO forged log line");
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> done(vmss.manualUpgrade(ids)));
    String message = thrown.getCause().getMessage();
    assertThat(message).contains("and 91 more").doesNotContain("\n").hasSizeLessThan(400);
    assertThatThrownBy(() -> vmss.manualUpgrade(java.util.Arrays.asList("1", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("instanceIds must not contain null");
    assertThat(upgraded()).isEmpty();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  @Test
  void theFakeFleetsInstancesRunTheModelsImageOnceApplied() {
    ModelUpgrades vmss = upgrades(UpgradeMode.MANUAL);
    done(vmss.updateModel(OsUpdate.platformVersion(NEW_VERSION)));
    done(vmss.manualUpgrade(List.of("0")));
    env.runUntilDone();
    FakeInstance zero = fleet.instance("0");
    assertThat(zero.image()).isEqualTo(done(vmss.model()).virtualMachineProfile().imageReference());
    assertThat(fleet.instance("1").image()).isEqualTo(env.currentImage());
  }
}
