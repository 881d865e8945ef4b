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
  void withoutPushHealthIsPolledWithBackoffToTheProbeInterval() {
    Scenario s = new Scenario(10, 1, 5, RollingUpgradePolicy.defaults(), AutomaticOSUpgradePolicy.defaults(),
        b -> b.pushesHealth(false).timeToHealthy(Duration.ofSeconds(32)));
    UpgradeHistoryEntry end = s.runToEnd();
    // polls 0.625, 1.875, 4.375, 9.375 s after the return, then every 5 s: healthy at 32 s, seen at 34.375 s
    assertThat(duration(end)).isEqualTo(Duration.ofMillis(5 * (60_000 + 34_375)));
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(10);
    assertThat(s.fleet.healthReads()).isGreaterThan(10);
  }

  @Test
  void pollingAddsLittleLatencyToAnInstanceHealthySoonAfterItsUpgrade() {
    Scenario s = new Scenario(5, 1, 5, RollingUpgradePolicy.defaults(), AutomaticOSUpgradePolicy.defaults(),
        b -> b.pushesHealth(false).timeToHealthy(Duration.ofSeconds(1)));
    UpgradeHistoryEntry end = s.runToEnd();
    // healthy 1 s after the return, seen by the poll at 1.875 s (a fixed 5 s poll would see it at 5 s)
    assertThat(duration(end)).isEqualTo(Duration.ofMillis(5 * (60_000 + 1_875)));
  }

  @Test
  void aPollIntervalOverHalfTheHealthTimeoutIsRefused() {
    RollingUpgradePolicy quick = RollingUpgradePolicy.builder().healthTimeout(Duration.ofSeconds(2)).build();
    Scenario s = new Scenario(5, 1, 5, quick);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.rollingupgrade.core.run.RollingUpgrade.of(s.scaleSet)
        .driver(s.fleet).health(s.fleet).scheduler(s.clock).healthPollInterval(Duration.ofSeconds(5)).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("healthPollInterval PT5S is more than half of the policy's healthTimeout PT2S");
  }

  @Test
  void theDefaultPollIntervalFitsAShortHealthTimeout() {
    RollingUpgradePolicy quick = RollingUpgradePolicy.builder().healthTimeout(Duration.ofSeconds(2)).build();
    Scenario s = new Scenario(5, 1, 5, quick, AutomaticOSUpgradePolicy.defaults(),
        b -> b.pushesHealth(false).timeToHealthy(Duration.ofMillis(500)));
    UpgradeHistoryEntry end = s.runToEnd();
    // the default interval is a tenth of the 2 s timeout: polls at 25, 75, 175, 375, 575 ms: seen at 575 ms
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(5);
    assertThat(duration(end)).isEqualTo(Duration.ofMillis(5 * (60_000 + 575)));
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
