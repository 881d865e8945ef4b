package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The state machine of one instance's probe results, without I/O or a clock: hysteresis, grace, epochs. */
class ProbeHistoryTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(10);

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void theFirstResultSetsTheStateAndThenNumberOfProbesEqualResultsChangeIt() {
    ProbeHistory h = new ProbeHistory(3);
    assertThat(h.reported()).isNull();
    assertThat(h.record(HealthState.HEALTHY, at(0))).isEqualTo(HealthState.HEALTHY);
    assertThat(h.record(HealthState.UNHEALTHY, at(1))).isEqualTo(HealthState.HEALTHY);
    assertThat(h.record(HealthState.UNHEALTHY, at(2))).isEqualTo(HealthState.HEALTHY);
    assertThat(h.record(HealthState.HEALTHY, at(3))).as("the streak broke").isEqualTo(HealthState.HEALTHY);
    assertThat(h.record(HealthState.UNHEALTHY, at(4))).isEqualTo(HealthState.HEALTHY);
    assertThat(h.record(HealthState.UNHEALTHY, at(5))).isEqualTo(HealthState.HEALTHY);
    assertThat(h.record(HealthState.UNHEALTHY, at(6))).isEqualTo(HealthState.UNHEALTHY);
  }

  @Test
  void anUpgradeIsInitializingUntilHealthyNumberOfProbesTimesOrTheGraceEnds() {
    ProbeHistory h = new ProbeHistory(2);
    h.record(HealthState.HEALTHY, at(0));
    assertThat(h.restarting()).isEqualTo(HealthState.INITIALIZING);
    assertThat(h.isRestarting()).isTrue();
    assertThat(h.record(HealthState.HEALTHY, at(1))).as("the application is being replaced")
        .isEqualTo(HealthState.INITIALIZING);
    assertThat(h.restarted(at(2), GRACE)).isEqualTo(HealthState.INITIALIZING);
    assertThat(h.record(HealthState.UNHEALTHY, at(3))).isEqualTo(HealthState.INITIALIZING);
    assertThat(h.record(HealthState.HEALTHY, at(4))).isEqualTo(HealthState.INITIALIZING);
    assertThat(h.record(HealthState.HEALTHY, at(5))).isEqualTo(HealthState.HEALTHY);

    h.restarting();
    h.restarted(at(20), GRACE);
    h.record(HealthState.UNHEALTHY, at(21));
    assertThat(h.expire(at(29))).isEqualTo(HealthState.INITIALIZING);
    assertThat(h.expire(at(30))).as("the grace is over: the latest result holds").isEqualTo(HealthState.UNHEALTHY);
  }

  @Test
  void aGraceWithoutAnyResultEndsUnknown() {
    ProbeHistory h = new ProbeHistory(1);
    h.restarting();
    h.restarted(at(0), GRACE);
    assertThat(h.expire(at(10))).isEqualTo(HealthState.UNKNOWN);
  }

  @Test
  void theEndOfARestartStartsANewEpochAndClearsTheProbeInFlight() {
    ProbeHistory h = new ProbeHistory(1);
    h.record(HealthState.HEALTHY, at(0));
    long before = h.epoch();
    h.inFlight = true; // a probe sent before the upgrade
    h.restarting();
    long whileRestarting = h.epoch();
    assertThat(whileRestarting).isGreaterThan(before);
    h.inFlight = true; // a probe sent while the application was being replaced
    h.restarted(at(1), GRACE);
    assertThat(h.epoch()).as("answers of probes sent while restarting do not count").isGreaterThan(whileRestarting);
    assertThat(h.inFlight).as("the new version is probed at once").isFalse();
    assertThat(h.isRestarting()).isFalse();
  }

  @Test
  void aRestartedWithoutRestartingStillStartsTheGrace() {
    ProbeHistory h = new ProbeHistory(1);
    h.record(HealthState.UNHEALTHY, at(0));
    assertThat(h.restarted(at(1), GRACE)).isEqualTo(HealthState.INITIALIZING);
    assertThat(h.record(HealthState.HEALTHY, at(2))).isEqualTo(HealthState.HEALTHY);
  }
}
