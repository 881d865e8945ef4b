package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.auto.RolloutCrashPropertiesTest.Crash;
import org.junit.jupiter.api.Test;

/** Issue 11: {@link RolloutCrashPropertiesTest} at every crash point of one rollout, not a sample of them. */
class EveryRolloutCrashPointTest {
  /** Every record of one rollout that faults at phase 3 of 4 (seed 40: 14 sets in 4 phases, a set of phase 3 fails health). */
  @Test
  void aCrashBeforeOrAfterEveryRecordOfOneRolloutResumesToTheSameOutcome() {
    long seed = 40;
    SeededRollout uninterrupted = new SeededRollout(seed);
    InMemoryRolloutStore plain = new InMemoryRolloutStore(SchedulerClock.of(uninterrupted.clock));
    uninterrupted.start(plain);
    assertThat(uninterrupted.rollout.status().code()).isEqualTo(RollingUpgradeStatusCode.FAULTED);
    assertThat(uninterrupted.rollout.status().phase()).isEqualTo(3);
    long records = RolloutCrashPropertiesTest.recordCount(uninterrupted, plain);
    for (long k = 1; k <= records; k++) {
      for (boolean after : new boolean[] {false, true}) {
        RolloutCrashPropertiesTest.check(new Crash(seed, 0, after), k, uninterrupted, records);
      }
    }
  }

}
