package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DESIGN §5.5: pauses between batches; health pushed or polled; no time lost between batches. */
class TimingAndPollingTest {

  private static Duration duration(UpgradeHistoryEntry end) {
    var status = end.runningStatus().orElseThrow();
    return Duration.between(status.startTime().orElseThrow(), status.endTime().orElseThrow());
  }

  @Test
  void batchesFollowEachOtherWithoutLostTime() {
    Scenario s = Scenario.of(20, 2, 5); // ten batches of two, each 60 s upgrade + 30 s to healthy
    assertThat(duration(s.runToEnd())).isEqualTo(Duration.ofSeconds(10 * 90));
  }

  @Test
  void pausesComeBetweenBatchesOnly() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().pauseTimeBetweenBatches(Duration.ofMinutes(10)).build();
    Scenario s = new Scenario(5, 1, 5, policy);
    assertThat(duration(s.runToEnd())).isEqualTo(Duration.ofSeconds(5 * 90).plus(Duration.ofMinutes(4 * 10)));
  }

  @Test
  void withoutPushHealthIsPolledAtTheProbeInterval() {
    Scenario s = new Scenario(10, 1, 5, RollingUpgradePolicy.defaults(), AutomaticOSUpgradePolicy.defaults(),
        b -> b.pushesHealth(false).timeToHealthy(Duration.ofSeconds(32)));
    UpgradeHistoryEntry end = s.runToEnd();
    // healthy at 60 + 32 s, seen by the poll at 60 + 35 s
    assertThat(duration(end)).isEqualTo(Duration.ofSeconds(5 * 95));
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(10);
    assertThat(s.fleet.healthReads()).isGreaterThan(10);
  }

  @Test
  void aBatchOfTwoHundredTakesOneDriverLatency() {
    RollingUpgradePolicy everything = RollingUpgradePolicy.builder().maxBatchInstancePercent(100)
        .maxUnhealthyInstancePercent(100).build();
    Scenario s = new Scenario(200, 1, 1, everything, AutomaticOSUpgradePolicy.defaults(),
        b -> b.upgradeLatency(Duration.ofSeconds(1)).timeToHealthy(Duration.ZERO));
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.events(dev.rollingupgrade.api.event.UpgradeEventType.BATCH_STARTED)).hasSize(1);
    assertThat(duration(end)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void twoHoursOfVirtualTimeRunInstantly() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().pauseTimeBetweenBatches(Duration.ofMinutes(20)).build();
    Scenario s = new Scenario(100, 3, 5, policy);
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(duration(end)).isGreaterThan(Duration.ofHours(2));
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(100);
  }
}
