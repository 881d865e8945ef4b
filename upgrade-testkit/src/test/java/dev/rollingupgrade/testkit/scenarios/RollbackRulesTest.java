package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DESIGN §5.3 and §5.7: who rolls back, when the health wait ends, and how restores are counted. */
class RollbackRulesTest {

  @Test
  void aManualTriggerNeverRollsBack() {
    Scenario s = Scenario.of(10, 1, 5).startedBy(UpgradeOperationInvoker.USER);
    s.fleet.instance("9").neverBecomesHealthy();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.calls(DriverCall.Kind.RESTORE_OS_DISK)).isEmpty();
    assertThat(end.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isZero();
    assertThat(s.fleet.instance("9").image()).isEqualTo(Scenario.NEW);
  }

  @Test
  void aPlatformRunRestoresThePreviousOsDisk() {
    Scenario s = Scenario.of(10, 1, 5).startedBy(UpgradeOperationInvoker.PLATFORM);
    s.fleet.instance("9").neverBecomesHealthy();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.calls(DriverCall.Kind.RESTORE_OS_DISK)).containsExactly("9");
    assertThat(end.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(1);
    assertThat(s.fleet.instance("9").image()).isEqualTo(Scenario.OLD);
    assertThat(s.events(UpgradeEventType.INSTANCE_ROLLED_BACK)).hasSize(1);
  }

  @Test
  void disableAutomaticRollbackKeepsFailedInstancesAsTheyAre() {
    Scenario s = new Scenario(10, 1, 5, RollingUpgradePolicy.defaults(),
        AutomaticOSUpgradePolicy.builder().disableAutomaticRollback(true).build(), b -> { })
        .startedBy(UpgradeOperationInvoker.PLATFORM);
    s.fleet.instance("9").neverBecomesHealthy();
    s.runToEnd();
    assertThat(s.calls(DriverCall.Kind.RESTORE_OS_DISK)).isEmpty();
  }

  @Test
  void aFailedRestoreIsCountedWithItsError() {
    Scenario s = Scenario.of(10, 1, 5).startedBy(UpgradeOperationInvoker.PLATFORM);
    s.fleet.instance("9").neverBecomesHealthy().failsRollback();
    UpgradeHistoryEntry end = s.runToEnd();
    var info = end.rollbackInfo().orElseThrow();
    assertThat(info.failedRolledbackInstanceCount()).isEqualTo(1);
    assertThat(info.rollbackError().orElseThrow().details().get(0).target()).contains("9");
    assertThat(s.events(UpgradeEventType.INSTANCE_ROLLBACK_FAILED)).hasSize(1);
  }

  @Test
  void healthIsWaitedForExactlyHealthTimeoutAfterTheUpgradeCall() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().healthTimeout(Duration.ofMinutes(7)).build();
    Scenario s = new Scenario(10, 1, 5, policy);
    s.fleet.instance("0").neverBecomesHealthy();
    s.runToEnd();
    var failed = s.events(UpgradeEventType.INSTANCE_FAILED).get(0);
    // the upgrade call takes one minute, then seven minutes of waiting
    assertThat(failed.time()).isEqualTo(s.events(UpgradeEventType.BATCH_STARTED).get(0).time().plus(Duration.ofMinutes(8)));
    assertThat(failed.code()).contains(RollingUpgradeErrorCodes.HEALTH_TIMEOUT);
  }

  @Test
  void anInstanceHealthyJustInTimeSucceeds() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().healthTimeout(Duration.ofSeconds(30)).build();
    Scenario s = new Scenario(5, 1, 5, policy);
    // one at a time; the last failure is 1 of 5 (20 %, not more): the run completes
    s.fleet.instance("3").timeToHealthy(Duration.ofSeconds(29));
    s.fleet.instance("4").timeToHealthy(Duration.ofSeconds(31)); // the others take 30 s: exactly at the deadline
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.events(UpgradeEventType.INSTANCE_FAILED)).extracting(e -> e.instanceIds().get(0)).containsExactly("4");
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(4);
  }
}
