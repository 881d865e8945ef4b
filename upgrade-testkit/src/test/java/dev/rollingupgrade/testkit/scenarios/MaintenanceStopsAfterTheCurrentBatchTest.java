package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** DESIGN §5.4: the gate runs again after each batch: maintenance elsewhere stops the run. */
class MaintenanceStopsAfterTheCurrentBatchTest {

  @Test
  void fiveOfTwentyDownDuringBatchTwoStopsTheRunAfterIt() {
    Scenario s = Scenario.of(20, 1, 5); // batches of 4 per update domain
    Instant duringBatchTwo = s.clock.now().plusSeconds(120);
    for (String id : new String[] {"12", "13", "14", "17", "18"}) {
      s.fleet.instance(id).becomesUnhealthyAt(duringBatchTwo);
    }
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.events(UpgradeEventType.BATCH_STARTED)).hasSize(2);
    assertThat(s.events(UpgradeEventType.BATCH_FINISHED)).hasSize(2);
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(end.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.UNHEALTHY_DURING);
    assertThat(end.error().orElseThrow().message().orElseThrow())
        .isEqualTo("5 of 20 instances unhealthy during the rolling upgrade (25 % > 20 %): 12, 13, 14, 17, 18");
    assertThat(end.runningStatus().orElseThrow().endTime()).contains(s.clock.now());
  }

  @Test
  void fourOfTwentyDownShrinksTheNextBatchesInstead() {
    Scenario s = Scenario.of(20, 1, 5);
    for (String id : new String[] {"13", "14", "18", "19"}) {
      s.fleet.instance(id).becomesUnhealthyAt(s.clock.now().plusSeconds(120));
    }
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    // budget 4 is spent by the four down: healthy instances go one at a time afterwards
    assertThat(s.events(UpgradeEventType.BATCH_STARTED).get(2).instanceIds()).hasSize(1);
    assertThat(s.events(UpgradeEventType.BATCH_STARTED).get(2).message()).hasValueSatisfying(m ->
        assertThat(m).contains("4 of 4 allowed unhealthy already unhealthy"));
  }
}
