package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import org.junit.jupiter.api.Test;

/** DESIGN §5.4: more than maxUnhealthyUpgradedInstancePercent of the upgraded instances failed: stop. */
class UpgradedInstancesThresholdTest {
  // ten instances in five update domains: batches {0,5} {1,6} {2,7} {3,8} {4,9}

  @Test
  void oneFailureInTheFirstBatchOfTwoStopsTheRun() {
    Scenario s = Scenario.of(10, 1, 5);
    s.fleet.instance("5").neverBecomesHealthy();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(end.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY);
    assertThat(end.error().orElseThrow().message().orElseThrow()).contains("1 of 2 upgraded instances unhealthy (50 % > 20 %): 5");
    assertThat(s.events(UpgradeEventType.BATCH_STARTED)).hasSize(1);
    assertThat(end.progress().orElseThrow().pendingInstanceCount()).isEqualTo(8);
  }

  @Test
  void theSameFailureInTheLastBatchDoesNot() {
    Scenario s = Scenario.of(10, 1, 5);
    s.fleet.instance("9").neverBecomesHealthy();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(end.progress().orElseThrow().failedInstanceCount()).isEqualTo(1);
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(9);
    assertThat(end.error()).isEmpty();
  }

  @Test
  void anUpgradedInstanceThatTurnsUnhealthyLaterCountsToo() {
    Scenario s = Scenario.of(10, 1, 5);
    // 0 is healthy after its upgrade (t=90s) and goes down during batch 2
    s.fleet.instance("0").becomesUnhealthyAt(s.clock.now().plusSeconds(120));
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY);
    assertThat(end.error().orElseThrow().message().orElseThrow()).startsWith("1 of 4 upgraded instances unhealthy (25 % > 20 %): 0");
  }

  @Test
  void withRollbackOnBreachFailedInstancesAreRestoredBeforeTheRunStops() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().rollbackFailedInstancesOnPolicyBreach(true).build();
    Scenario s = new Scenario(10, 1, 5, policy);
    s.fleet.instance("5").neverBecomesHealthy();
    UpgradeHistoryEntry end = s.runToEnd(); // started by a user: no automatic rollback, only the breach's
    assertThat(s.calls(DriverCall.Kind.RESTORE_OS_DISK)).containsExactly("5");
    assertThat(end.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(1);
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(s.fleet.instance("5").image()).isEqualTo(Scenario.OLD);
  }

  @Test
  void zeroPercentToleratesNoFailureAtAll() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(0).build();
    Scenario s = new Scenario(10, 1, 5, policy);
    s.fleet.instance("9").neverBecomesHealthy();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.error().orElseThrow().message().orElseThrow()).startsWith("1 of 10 upgraded instances unhealthy (10 % > 0 %)");
  }
}
