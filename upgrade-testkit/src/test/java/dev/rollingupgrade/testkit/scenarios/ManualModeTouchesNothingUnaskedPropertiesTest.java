package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.core.mode.ModelUpgrades;
import dev.rollingupgrade.core.mode.OsUpdate;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * DESIGN §8, as a property: on a {@code Manual} set, whatever sequence of model updates, waits,
 * explicit upgrades (some of them refused) and cancels happens, the driver upgrades an instance
 * only within the scope of the explicit call whose run is under way, and without one nothing moves.
 */
class ManualModeTouchesNothingUnaskedPropertiesTest {
  /** One step a user (or time) takes. */
  sealed interface Step {}

  record UpdateModel(int version) implements Step {}

  record Wait(int minutes) implements Step {}

  record UpgradeDomain(int updateDomain) implements Step {}

  record UpgradeInstances(List<String> ids) implements Step {}

  record Rolling(int percent) implements Step {}

  record Cancel() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Arbitraries.oneOf(
        Arbitraries.integers().between(1, 9).map(UpdateModel::new),
        Arbitraries.integers().between(0, 90).map(Wait::new),
        Arbitraries.integers().between(0, 5).map(UpgradeDomain::new), // 5: no such domain
        Arbitraries.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "ghost").list().ofMinSize(1).ofMaxSize(4)
            .map(UpgradeInstances::new),
        Arbitraries.integers().between(5, 100).map(Rolling::new),
        Arbitraries.just(new Cancel()));
    return step.list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 60)
  void noInstanceIsUpgradedOutsideAnExplicitCall(@ForAll("steps") List<Step> steps) {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(10).zones(2).updateDomains(5).build();
    FakeFleet fleet = env.fleet();
    ModelUpgrades vmss = env.modelUpgrades(env.currentModel(UpgradeMode.MANUAL));
    Set<String> scope = Set.of(); // what the explicit call whose run is under way may touch
    Map<String, Integer> upgradedAt = new HashMap<>(); // instance -> model version it was last upgraded to
    int version = 0;
    int seen = 0;
    for (Step step : steps) {
      String runBefore = vmss.currentRun().map(r -> r.runId()).orElse("");
      Set<String> asked = attempt(vmss, fleet, step);
      if (asked != null) {
        scope = asked;
      } else if (step instanceof UpdateModel && !vmss.currentRun().map(r -> r.runId()).orElse("").equals(runBefore)) {
        throw new AssertionError("a model update started a run on a Manual set");
      }
      if (step instanceof UpdateModel && succeeded) {
        version++;
      }
      if (step instanceof Wait w) {
        env.advance(Duration.ofMinutes(w.minutes()));
      }
      List<DriverCall> calls = fleet.stateChangingCalls();
      for (DriverCall call : calls.subList(seen, calls.size())) {
        assertThat(scope).as("%s after %s", call, step).contains(call.instanceId());
        // an instance at the latest model is left alone: once per model version at most
        Integer last = upgradedAt.put(call.instanceId(), version);
        assertThat(last == null || last != version).as("%s upgraded twice to version %s", call, version).isTrue();
      }
      seen = calls.size();
      if (vmss.currentRun().map(r -> r.isFinished()).orElse(true)) {
        scope = Set.of(); // the run ended: nothing may move until the next explicit call
      }
    }
  }

  private boolean succeeded; // whether the last step went through (a refused one changes nothing)

  /** Performs {@code step}; returns the scope of the run it started, or null when it started none. */
  private Set<String> attempt(ModelUpgrades vmss, FakeFleet fleet, Step step) {
    succeeded = false;
    try {
      if (step instanceof UpdateModel u) {
        vmss.updateModel(OsUpdate.platformVersion("24.04.20241" + u.version() + "010")).toCompletableFuture().join();
        succeeded = true;
      } else if (step instanceof UpgradeDomain d) {
        vmss.upgradeUpdateDomain(d.updateDomain()).toCompletableFuture().join();
        return fleet.updateDomain(d.updateDomain()).members().stream().map(FakeInstance::id)
            .collect(Collectors.toSet());
      } else if (step instanceof UpgradeInstances i) {
        vmss.manualUpgrade(i.ids()).toCompletableFuture().join();
        return new TreeSet<>(i.ids());
      } else if (step instanceof Rolling r) {
        vmss.rollingUpgrade(r.percent()).toCompletableFuture().join();
        return fleet.instances().stream().map(FakeInstance::id).collect(Collectors.toSet());
      } else if (step instanceof Cancel) {
        vmss.cancel();
      }
    } catch (IllegalStateException | IllegalArgumentException | CompletionException refused) {
      // in progress, nothing to cancel, an unknown id or domain: refused, nothing started
    }
    return null;
  }
}
