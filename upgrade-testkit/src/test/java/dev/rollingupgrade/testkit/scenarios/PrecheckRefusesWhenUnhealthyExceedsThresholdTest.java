package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import org.junit.jupiter.api.Test;

/** DESIGN §5.1: more than maxUnhealthyInstancePercent unhealthy before the first batch: no batch starts. */
class PrecheckRefusesWhenUnhealthyExceedsThresholdTest {

  @Test
  void twentyOfHundredUnhealthyStarts() {
    Scenario s = Scenario.of(100, 1, 5);
    for (int i = 0; i < 20; i++) {
      s.fleet.instance(String.valueOf(i)).startsUnhealthy();
    }
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.events(UpgradeEventType.BATCH_STARTED)).isNotEmpty();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
  }

  @Test
  void twentyOneOfHundredUnhealthyRefusesWithOneDetailPerInstance() {
    Scenario s = Scenario.of(100, 1, 5);
    for (int i = 0; i < 21; i++) {
      s.fleet.instance(String.valueOf(i)).startsUnhealthy();
    }
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    var error = end.error().orElseThrow();
    assertThat(error.code()).contains(RollingUpgradeErrorCodes.UNHEALTHY_BEFORE);
    assertThat(error.message()).hasValueSatisfying(m -> assertThat(m)
        .startsWith("21 of 100 instances unhealthy before the rolling upgrade (21 % > 20 %): 0, 1, 2"));
    assertThat(error.details()).hasSize(21);
    assertThat(error.details().get(20).target()).contains("20");
    assertThat(s.events(UpgradeEventType.BATCH_STARTED)).isEmpty();
    assertThat(s.calls(DriverCall.Kind.REPLACE_OS_DISK)).isEmpty();
    assertThat(end.progress().orElseThrow().pendingInstanceCount()).isEqualTo(100);
  }

  @Test
  void anInitializingInstanceIsWaitedFor() {
    Scenario s = Scenario.of(10, 1, 5);
    s.fleet.instance("3").startsAs(HealthState.INITIALIZING)
        .becomesHealthyAt(s.clock.now().plusSeconds(120));
    s.fleet.instance("4").startsAs(HealthState.INITIALIZING)
        .becomesHealthyAt(s.clock.now().plusSeconds(120));
    s.fleet.instance("5").startsAs(HealthState.INITIALIZING)
        .becomesHealthyAt(s.clock.now().plusSeconds(120));
    UpgradeHistoryEntry end = s.runToEnd();
    // three initializing of ten would be 30 %: waited for instead of counted
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(s.events(UpgradeEventType.BATCH_STARTED).get(0).time())
        .isEqualTo(VirtualScheduler.DEFAULT_START.plusSeconds(120));
  }

  @Test
  void anInstanceStillInitializingAfterTheHealthTimeoutCountsAsUnhealthy() {
    Scenario s = Scenario.of(10, 1, 5);
    s.fleet.instance("3").startsAs(HealthState.INITIALIZING);
    s.fleet.instance("4").startsAs(HealthState.INITIALIZING);
    s.fleet.instance("5").startsAs(HealthState.INITIALIZING);
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.UNHEALTHY_BEFORE);
    assertThat(end.runningStatus().orElseThrow().endTime())
        .contains(VirtualScheduler.DEFAULT_START.plusSeconds(300));
  }
}
