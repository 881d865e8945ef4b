package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checker itself: a run made under a looser policy than the one checked must be caught, rule
 * by rule, with the virtual time and the instances.
 */
class InvariantCheckerCatchesBrokenRulesTest {

  private static ScaleSet withPolicy(ScaleSet set, RollingUpgradePolicy policy) {
    return ScaleSet.builder().from(set)
        .upgradePolicy(UpgradePolicy.builder().from(set.upgradePolicy()).rollingUpgradePolicy(policy).build()).build();
  }

  /** Runs {@code actual}'s policy, then checks it against {@code checked}'s. */
  private static List<String> violations(RollingUpgradePolicy actual, RollingUpgradePolicy checked,
      UpgradeOperationInvoker runBy, UpgradeOperationInvoker checkedBy, String failing) {
    return violations(2, 5, actual, checked, runBy, checkedBy, failing);
  }

  private static List<String> violations(int zones, int updateDomains, RollingUpgradePolicy actual,
      RollingUpgradePolicy checked, UpgradeOperationInvoker runBy, UpgradeOperationInvoker checkedBy, String failing) {
    Scenario s = new Scenario(20, zones, updateDomains, actual);
    if (failing != null) {
      s.fleet.instance(failing).neverBecomesHealthy();
    }
    RolloutInvariants invariants = RolloutInvariants.before(withPolicy(s.scaleSet, checked), s.fleet);
    RunRecorder recorder = new RunRecorder(s.fleet);
    RollingUpgradeRun run = RollingUpgrade.of(s.scaleSet).driver(s.fleet).health(s.fleet).scheduler(s.clock)
        .startedBy(runBy).listener(recorder).start();
    recorder.watch(run);
    s.clock.runUntilIdle();
    return invariants.violations(recorder, run, checkedBy);
  }

  @Test
  void aBatchOverTheCapIsCaught() {
    List<String> v = violations(1, 1, RollingUpgradePolicy.builder().maxBatchInstancePercent(50).maxUnhealthyInstancePercent(50).build(),
        RollingUpgradePolicy.defaults(), UpgradeOperationInvoker.USER, UpgradeOperationInvoker.USER, null);
    assertThat(v).anySatisfy(x -> assertThat(x).startsWith("batch cap: batch 1 at 2026-01-01T00:00:00Z holds 10 instances, cap 4"));
  }

  @Test
  void mixedZonesAndUpdateDomainsAreCaught() {
    List<String> v = violations(RollingUpgradePolicy.builder().enableCrossZoneUpgrade(true).respectUpdateDomains(false).build(),
        RollingUpgradePolicy.defaults(), UpgradeOperationInvoker.USER, UpgradeOperationInvoker.USER, null);
    assertThat(v).anySatisfy(x -> assertThat(x).startsWith("zones: batch 3 at 2026-01-01T00:03:00Z mixes zones [1, 2]"));
    assertThat(v).anySatisfy(x -> assertThat(x).startsWith("update domains: batch 1"));
  }

  @Test
  void aRunGoingOnAfterTooManyFailuresIsCaught() {
    List<String> v = violations(RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(100).build(),
        RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(0).build(),
        UpgradeOperationInvoker.USER, UpgradeOperationInvoker.USER, "0");
    assertThat(v).anySatisfy(x -> assertThat(x).startsWith("thresholds: batch 2 started"));
  }

  @Test
  void aRollbackTheTriggerDidNotAllowIsCaught() {
    List<String> v = violations(RollingUpgradePolicy.defaults(), RollingUpgradePolicy.defaults(),
        UpgradeOperationInvoker.PLATFORM, UpgradeOperationInvoker.USER, "19");
    assertThat(v).anySatisfy(x -> assertThat(x).startsWith("rollback: 19 was restored"));
  }

  @Test
  void aBatchSpendingMoreThanTheUnhealthyBudgetIsCaught() {
    Scenario s = new Scenario(20, 1, 1, RollingUpgradePolicy.builder().maxUnhealthyInstancePercent(100).build());
    for (String id : new String[] {"16", "17", "18", "19"}) {
      s.fleet.instance(id).startsUnhealthy();
    }
    RolloutInvariants invariants = RolloutInvariants.before(withPolicy(s.scaleSet, RollingUpgradePolicy.defaults()), s.fleet);
    RunRecorder recorder = new RunRecorder(s.fleet);
    RollingUpgradeRun run = RollingUpgrade.of(s.scaleSet).driver(s.fleet).health(s.fleet).scheduler(s.clock)
        .listener(recorder).start();
    recorder.watch(run);
    s.clock.runUntilIdle();
    assertThat(invariants.violations(recorder, run, UpgradeOperationInvoker.USER)).anySatisfy(x -> assertThat(x)
        .startsWith("unhealthy budget: batch 1 at 2026-01-01T00:00:00Z takes down 4 healthy instances while 4 are unhealthy, budget 4"));
  }

  @Test
  void anObedientRunHasNoViolation() {
    assertThat(violations(RollingUpgradePolicy.defaults(), RollingUpgradePolicy.defaults(),
        UpgradeOperationInvoker.PLATFORM, UpgradeOperationInvoker.PLATFORM, "19")).isEmpty();
  }
}
