package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.run.RollingUpgrade;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DESIGN §9: a driver or health call that throws or hangs fails that instance only. */
class PluginFaultsFailOnlyTheirInstanceTest {
  // twenty instances in five update domains; a failure in the last batch is 1 of 20 upgraded: within 20 %

  private static Scenario lateFailure() {
    return Scenario.of(20, 1, 5); // batch 5 = update domain 4 = {4, 9, 14, 19}
  }

  private static void assertOneFailure(Scenario s, UpgradeHistoryEntry end, String code) {
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(s.events(UpgradeEventType.INSTANCE_FAILED)).singleElement().satisfies(e -> {
      assertThat(e.instanceIds()).containsExactly("19");
      assertThat(e.code()).contains(code);
    });
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(19);
  }

  @Test
  void aThrowingUpgradeCall() {
    Scenario s = lateFailure();
    s.fleet.instance("19").throwsOnUpgrade();
    assertOneFailure(s, s.runToEnd(), RollingUpgradeErrorCodes.UPGRADE_FAILED);
  }

  @Test
  void aFailingUpgradeCall() {
    Scenario s = lateFailure();
    s.fleet.instance("19").failsUpgrade();
    assertOneFailure(s, s.runToEnd(), RollingUpgradeErrorCodes.UPGRADE_FAILED);
  }

  @Test
  void aHangingUpgradeCallTimesOut() {
    Scenario s = lateFailure();
    s.fleet.instance("19").hangsOnUpgrade();
    UpgradeHistoryEntry end = s.runToEnd();
    assertOneFailure(s, end, RollingUpgradeErrorCodes.UPGRADE_TIMED_OUT);
    var batch5 = s.events(UpgradeEventType.BATCH_STARTED).get(4).time();
    assertThat(s.events(UpgradeEventType.INSTANCE_FAILED).get(0).time()).isEqualTo(batch5.plus(Duration.ofMinutes(30)));
  }

  @Test
  void aThrowingHealthCallReadsAsUnknown() {
    // polled health only: with push, the pushed HEALTHY would count
    Scenario s = new Scenario(20, 1, 5, RollingUpgradePolicy.defaults(),
        AutomaticOSUpgradePolicy.defaults(), b -> b.pushesHealth(false));
    s.fleet.instance("19").healthCallThrows();
    // unknown from the start: 1 of 20 unhealthy is within budget; its own health wait never sees healthy
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(s.events(UpgradeEventType.INSTANCE_FAILED)).extracting(e -> e.instanceIds().get(0)).containsExactly("19");
  }

  @Test
  void aHangingHealthCallReadsAsUnknownAfterItsTimeout() {
    Scenario s = lateFailure();
    s.fleet.instance("19").healthCallHangs();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    // the pre-check waited one health-call timeout for it
    assertThat(s.events(UpgradeEventType.BATCH_STARTED).get(0).time())
        .isEqualTo(end.runningStatus().orElseThrow().startTime().orElseThrow().plus(Duration.ofMinutes(1)));
  }

  @Test
  void aListenerThatThrowsChangesNothing() {
    Scenario quiet = Scenario.of(5, 1, 5);
    quiet.runToEnd();
    Scenario noisy = Scenario.of(5, 1, 5);
    var run = RollingUpgrade.of(noisy.scaleSet).driver(noisy.fleet).health(noisy.fleet).scheduler(noisy.clock)
        .listener(e -> {
          throw new IllegalStateException("listener bug");
        }).start();
    noisy.clock.runUntilIdle();
    assertThat(run.status()).isEqualTo(quiet.run.status());
    assertThat(noisy.fleet.calls()).isEqualTo(quiet.fleet.calls());
  }
}
