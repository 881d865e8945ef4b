package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeActionType;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DESIGN §5.6: cancel starts no new batch; the batch in flight finishes, rollbacks included. */
class CancelLetsTheBatchInFlightFinishTest {

  @Test
  void theBatchInFlightFinishesThenTheRunIsCancelled() {
    Scenario s = Scenario.of(20, 1, 5).startedBy(UpgradeOperationInvoker.PLATFORM);
    s.fleet.instance("6").neverBecomesHealthy(); // in batch 2, rolled back after the cancel (1 of 8: within 20 %)
    s.start();
    s.clock.advanceBy(Duration.ofSeconds(100)); // batch 2 ({1,6,11,16}) started at 90 s
    s.run.cancel();
    assertThat(s.run.status().runningStatus().orElseThrow().lastAction()).contains(RollingUpgradeActionType.CANCEL);
    assertThat(s.run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.ROLLING_FORWARD);
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.CANCELLED);
    assertThat(s.events(UpgradeEventType.BATCH_STARTED)).hasSize(2);
    var progress = end.progress().orElseThrow();
    assertThat(progress.successfulInstanceCount()).isEqualTo(7);
    assertThat(progress.failedInstanceCount()).isEqualTo(1);
    assertThat(progress.pendingInstanceCount()).isEqualTo(12);
    assertThat(end.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(1);
  }

  @Test
  void aCancelDuringThePauseEndsTheRunAtOnce() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().pauseTimeBetweenBatches(Duration.ofMinutes(30)).build();
    Scenario s = new Scenario(10, 1, 5, policy);
    s.start();
    s.clock.advanceBy(Duration.ofMinutes(10)); // batch 1 ended at 90 s, pausing until 31.5 min
    s.run.cancel();
    s.clock.advanceBy(Duration.ZERO);
    assertThat(s.run.isFinished()).isTrue();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.CANCELLED);
    assertThat(end.runningStatus().orElseThrow().endTime()).contains(s.events(UpgradeEventType.BATCH_STARTED).get(0)
        .time().plus(Duration.ofMinutes(10)));
  }

  @Test
  void aCancelAfterTheEndChangesNothing() {
    Scenario s = Scenario.of(5, 1, 5);
    UpgradeHistoryEntry end = s.runToEnd();
    s.run.cancel();
    assertThat(s.run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(s.run.status().runningStatus().orElseThrow().lastAction()).contains(RollingUpgradeActionType.START);
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
  }
}
