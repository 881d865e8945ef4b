package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.UpgradeKind;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.core.run.InstanceOutcome;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run of kind MODEL applies the latest model to instances that lack it, and never rolls back. */
class ModelUpgradeTest {

  @Test
  void onlyInstancesWithoutTheLatestModelAreUpgradedAndNothingIsRolledBack() {
    Scenario s = Scenario.of(10, 1, 5);
    s.fleet.instances().forEach(i -> i.latestModelApplied(!i.id().equals("3") && !i.id().equals("9")));
    s.fleet.instance("9").neverBecomesHealthy();
    RollingUpgradeRun run = RollingUpgrade.of(s.scaleSet).driver(s.fleet).health(s.fleet).scheduler(s.clock)
        .kind(UpgradeKind.MODEL).startedBy(UpgradeOperationInvoker.PLATFORM).start();
    s.clock.runUntilIdle();
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    assertThat(s.calls(DriverCall.Kind.APPLY_LATEST_MODEL)).containsExactly("3", "9");
    assertThat(s.calls(DriverCall.Kind.REPLACE_OS_DISK)).isEmpty();
    assertThat(s.calls(DriverCall.Kind.RESTORE_OS_DISK)).isEmpty();
    assertThat(end.progress().orElseThrow().total()).isEqualTo(2);
    // 1 of 2 upgraded failed: 50 % > 20 %
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(s.fleet.instance("3").image()).isEqualTo(Scenario.OLD);
  }

  @Test
  void theInvariantCheckerAndRunAssertJudgeAModelRunByItsOwnTarget() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    env.fleet().instances().forEach(i -> i.latestModelApplied(Integer.parseInt(i.id()) % 3 != 0));
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.kind(UpgradeKind.MODEL));
    env.runUntilDone();
    List<String> stale = env.fleet().instances().stream().map(i -> i.id())
        .filter(id -> Integer.parseInt(id) % 3 == 0).toList();
    env.assertThat(run).obeysPolicy().isCompleted().hasUpgraded(stale.toArray(String[]::new));
    assertThat(run.outcomes().stream().filter(o -> o.state() == InstanceOutcome.State.UPGRADED).map(o -> o.instanceId()))
        .containsExactlyInAnyOrderElementsOf(stale);
    assertThat(run.outcomes().stream().filter(o -> o.state() == InstanceOutcome.State.SKIPPED)).hasSize(
        env.fleet().size() - stale.size());
    assertThat(run.rollsBack()).isFalse();
  }

  @Test
  void theCheckerCatchesAModelRunThatTouchedAnInstanceAlreadyOnTheModel() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    env.fleet().instances().forEach(i -> i.latestModelApplied(!i.id().equals("0")));
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.kind(UpgradeKind.MODEL));
    env.runUntilDone();
    env.fleet().applyLatestModel(env.fleet().scaleSetName(), "1"); // a stray call behind the run's back
    assertThatThrownBy(() -> env.assertThat(run).obeysPolicy()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("never touched");
  }
}
