package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.UpgradeHistory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DESIGN §5: status in the Azure shape at any time, history per scale set with its retention, the journal. */
class StatusAndHistoryTest {

  @Test
  void statusDuringTheRunIsRollingForwardWithCountsSummingToTheCandidates() {
    Scenario s = Scenario.of(10, 1, 5);
    s.start();
    s.clock.advanceBy(Duration.ofSeconds(100));
    RollingUpgradeStatus status = s.run.status();
    assertThat(status.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.ROLLING_FORWARD);
    var p = status.progress().orElseThrow();
    assertThat(p.successfulInstanceCount()).isEqualTo(2);
    assertThat(p.inProgressInstanceCount()).isEqualTo(2);
    assertThat(p.pendingInstanceCount()).isEqualTo(6);
    String json = AzureJson.write(status);
    assertThat(json).contains("\"code\" : \"RollingForward\"").contains("\"lastAction\" : \"Start\"");
    assertThat(AzureJson.readRollingUpgradeStatus(json)).isEqualTo(status);
    s.runToEnd();
  }

  @Test
  void historyIsNewestFirstAndKeepsTheLastFiveOfTheRetentionWindow() {
    Scenario s = Scenario.of(3, 1, 1);
    for (int i = 0; i < 7; i++) {
      var image = i % 2 == 0 ? Scenario.OLD : Scenario.NEW; // every other run has nothing to do
      s.fleet.instances().forEach(x -> x.runs(image));
      RollingUpgrade.of(s.scaleSet).driver(s.fleet).health(s.fleet).scheduler(s.clock).store(s.store)
          .startedBy(UpgradeOperationInvoker.PLATFORM).start();
      s.clock.runUntilIdle();
      s.clock.advanceBy(Duration.ofDays(10));
    }
    assertThat(s.store.history("vmss")).hasSize(7);
    List<UpgradeHistoryEntry> shown = UpgradeHistory.of(s.store, s.clock).entries("vmss");
    assertThat(shown).hasSize(5);
    assertThat(shown.get(0).runningStatus().orElseThrow().startTime().orElseThrow())
        .isAfter(shown.get(1).runningStatus().orElseThrow().startTime().orElseThrow());
    // runs ended about 10, 20, 30 and 40 days ago (plus minutes): a 31-day window keeps three
    assertThat(UpgradeHistory.of(s.store, s.clock, 5, Duration.ofDays(31)).entries("vmss")).hasSize(3);
    assertThat(UpgradeHistory.of(s.store, s.clock, 2, Duration.ofDays(365)).entries("vmss")).hasSize(2);
    assertThat(AzureJson.readHistory(AzureJson.writeHistory(shown))).isEqualTo(shown);
    assertThatThrownBy(() -> UpgradeHistory.of(s.store, s.clock, 0, Duration.ofDays(1)))
        .hasMessageContaining("maxEntries must be 1 or more");
  }

  @Test
  void everyDecisionIsJournalledInOrderEndingWithTheFinalRecord() {
    Scenario s = Scenario.of(10, 1, 5).startedBy(UpgradeOperationInvoker.PLATFORM);
    s.fleet.instance("9").neverBecomesHealthy();
    s.runToEnd();
    List<RunRecord> records = s.store.records(s.run.runId());
    assertThat(records).extracting(RunRecord::sequence).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, records.size()).boxed().toList());
    assertThat(records).extracting(RunRecord::kind).startsWith("RUN_STARTED", "PLANNED", "BATCH_STARTED", "UPGRADE_RETURNED")
        .contains("INSTANCE_FAILED", "ROLLBACK_STARTED", "ROLLED_BACK").endsWith("RUN_FINISHED");
    assertThat(records.get(2).attributes()).containsEntry("instances", "[\"0\",\"5\"]");
    assertThat(s.store.unfinishedRuns()).isEmpty();
    // the rollback was recorded before the driver was asked to restore
    int started = records.stream().map(RunRecord::kind).toList().indexOf("ROLLBACK_STARTED");
    assertThat(records.get(started).time()).isBeforeOrEqualTo(s.fleet.calls().stream()
        .filter(c -> c.kind() == dev.rollingupgrade.testkit.fleet.DriverCall.Kind.RESTORE_OS_DISK).findFirst().orElseThrow().time());
  }

  @Test
  void aRunIdCannotBeReused() {
    Scenario s = Scenario.of(3, 1, 1);
    RollingUpgrade.of(s.scaleSet).driver(s.fleet).health(s.fleet).scheduler(s.clock).store(s.store).runId("r1").start();
    s.clock.runUntilIdle();
    assertThatThrownBy(() -> RollingUpgrade.of(s.scaleSet).driver(s.fleet).health(s.fleet).scheduler(s.clock)
        .store(s.store).runId("r1").start()).hasMessageContaining("run id r1 already has records");
    assertThatThrownBy(() -> RollingUpgrade.of(s.scaleSet).start()).hasMessageContaining("needs driver(InstanceDriver)");
  }
}
