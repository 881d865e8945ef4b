package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.Phase;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud.Upgrade;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Issue 11, over random regions, geo pairs, zones and scale sets (some of which fail health): what
 * the rollout actually did — the OS-disk replacements the cloud saw, the runs' end times — obeys
 * the availability-first rules, not only its plan.
 */
class RolloutOrderPropertiesTest {

  private static SeededRollout rolledOut(long seed) {
    SeededRollout r = new SeededRollout(seed);
    r.start(new InMemoryRolloutStore(SchedulerClock.of(r.clock)));
    assertThat(r.rollout.isFinished()).isTrue();
    return r;
  }

  @Property(tries = 150)
  void noPhaseHoldsBothRegionsOfAPair(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    SeededRollout r = new SeededRollout(seed);
    for (Phase phase : r.planOnly().phases()) {
      for (String region : phase.regionNames()) {
        assertThat(phase.regionNames()).as("phase %d", phase.number()).doesNotContain(r.partner.getOrDefault(region,
            ""));
      }
    }
  }

  @Property(tries = 100)
  void noTwoZonesOfARegionAreInFlightAtOnce(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    SeededRollout r = rolledOut(seed);
    List<Upgrade> upgrades = r.cloud.upgrades();
    assertThat(upgrades).isNotEmpty();
    for (Upgrade a : upgrades) {
      for (Upgrade b : upgrades) {
        if (a.region().equals(b.region()) && !a.zone().equals(b.zone())) {
          assertThat(a.overlaps(b)).as("%s and %s", a, b).isFalse();
        }
      }
    }
  }

  @Property(tries = 100)
  void aPhaseStartsOnlyAfterEveryRunOfThePreviousOneSucceeded(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    SeededRollout r = rolledOut(seed);
    RolloutStatus status = r.rollout.status();
    Map<Integer, Instant> firstUpgradeOfPhase = new TreeMap<>();
    for (Upgrade u : r.cloud.upgrades()) {
      int phase = status.member(u.scaleSet()).orElseThrow().phase();
      firstUpgradeOfPhase.merge(phase, u.start(), (x, y) -> x.isBefore(y) ? x : y);
    }
    for (RolloutStatus.Member m : status.members()) {
      Instant end = r.rollout.run(m.scaleSetName()).map(run -> run.completion().toCompletableFuture().join()
          .runningStatus().orElseThrow().endTime().orElseThrow()).orElse(null);
      for (Map.Entry<Integer, Instant> later : firstUpgradeOfPhase.entrySet()) {
        if (later.getKey() > m.phase()) {
          assertThat(m.state()).as("%s of phase %d, before phase %d started", m.scaleSetName(), m.phase(),
              later.getKey()).isEqualTo(MemberState.COMPLETED);
          assertThat(end).as("%s ended before phase %d's first upgrade", m.scaleSetName(), later.getKey())
              .isNotNull().isBeforeOrEqualTo(later.getValue());
        }
      }
    }
    // a rollout that did not complete left every later phase untouched
    if (status.code() == RollingUpgradeStatusCode.FAULTED) {
      assertThat(firstUpgradeOfPhase.keySet()).allMatch(p -> p <= status.phase());
      assertThat(status.members()).filteredOn(m -> m.phase() > status.phase())
          .allMatch(m -> m.state() == MemberState.PENDING);
    } else {
      assertThat(status.members()).allMatch(m -> m.state() == MemberState.COMPLETED);
    }
  }
}
