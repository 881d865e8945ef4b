package dev.rollingupgrade.testkit.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.crash.CrashingStore;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * A resumed run ends exactly as the same run without the crash: the replay is the live path's
 * fold, so no counter can disagree. The first test is the defect the redesign fixed (an instance
 * unhealthy at planning that succeeded before the crash drove a counter to -1 and turned a Faulted
 * run into a Completed one).
 */
class ResumedRunEndsWithTheSameVerdictTest {
  private static final RollingUpgradePolicy NO_UNHEALTHY_UPGRADED =
      RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(0).build();

  private static ResumeFixture defectFleet() {
    ResumeFixture f = new ResumeFixture(10, NO_UNHEALTHY_UPGRADED);
    f.fleet.instance("0").startsUnhealthy(); // unhealthy at planning; healthy once upgraded
    f.fleet.instance("1").becomesUnhealthyAt(VirtualScheduler.DEFAULT_START.plusSeconds(600)); // after it succeeded
    return f;
  }

  @Test
  void anInstanceUnhealthyAtPlanningThatSucceededBeforeTheCrashKeepsTheVerdict() {
    ResumeFixture straight = defectFleet();
    straight.start(new InMemoryRolloutStore());
    UpgradeHistoryEntry expected = straight.run.completion().toCompletableFuture().join();
    assertThat(expected.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(expected.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY);

    ResumeFixture crashed = defectFleet();
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    crashed.invariants = dev.rollingupgrade.testkit.check.RolloutInvariants.before(crashed.scaleSet, crashed.fleet);
    crashed.run = dev.rollingupgrade.core.run.RollingUpgrade.of(crashed.scaleSet).driver(crashed.fleet)
        .health(crashed.fleet).scheduler(crashed.clock).store(store).startedBy(UpgradeOperationInvoker.PLATFORM)
        .callTimeout(Duration.ofMinutes(20)).listener(crashed.recorder).start();
    crashed.clock.advanceBy(Duration.ofSeconds(100)); // instance 0 succeeded; the second batch is in flight
    crashed.resume(store);
    crashed.clock.runUntilIdle();
    assertThat(crashed.run.completion().toCompletableFuture().join()).isEqualTo(expected);
    assertThat(crashed.run.status()).isEqualTo(straight.run.status());
    assertThat(crashed.digest()).isEqualTo(straight.digest());
  }

  /**
   * Random fleets with random initial health and random faults; the host dies just before each
   * journal record in turn; the resumed run ends with the same status, rollback info, history and
   * ordered driver calls as the uninterrupted one.
   */
  @Property(tries = 12)
  void aCrashAtAnyRecordOfARandomRunResumesToTheSameRun(@ForAll @IntRange(min = 5, max = 24) int size,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    ResumeFixture straight = randomFleet(size, seed);
    InMemoryRolloutStore full = new InMemoryRolloutStore();
    straight.start(full);
    UpgradeHistoryEntry expected = straight.run.completion().toCompletableFuture().join();
    int records = full.records(straight.run.runId()).size();
    for (int k = 1; k <= records; k++) {
      ResumeFixture f = randomFleet(size, seed);
      CrashingStore store = CrashingStore.before(new InMemoryRolloutStore(), k);
      assertThat(f.start(store)).as("crash before record %d", k).isTrue();
      f.run.abandon(); // its host died: its lease goes with it
      if (store.delegate().records(f.run.runId()).isEmpty()) {
        f.start(store.delegate());
      } else {
        f.resume(store.delegate());
        f.runOrCrash();
      }
      String where = "size " + size + ", seed " + seed + ", crash before record " + k;
      assertThat(f.run.completion().toCompletableFuture().join()).as(where).isEqualTo(expected);
      assertThat(f.run.status()).as(where).isEqualTo(straight.run.status());
      assertThat(f.run.rollbackInfo()).as(where).isEqualTo(straight.run.rollbackInfo());
      assertThat(f.fleet.stateChangingCalls().stream().map(c -> c.kind() + " " + c.instanceId()).toList()).as(where)
          .isEqualTo(straight.fleet.stateChangingCalls().stream().map(c -> c.kind() + " " + c.instanceId()).toList());
    }
  }

  private static ResumeFixture randomFleet(int size, long seed) {
    Random random = new Random(seed); // seeded: the same fleet for every crash point
    ResumeFixture f = new ResumeFixture(size, RollingUpgradePolicy.builder()
        .maxUnhealthyUpgradedInstancePercent(random.nextInt(3) * 25).build());
    for (int i = 0; i < size; i++) {
      String id = String.valueOf(i);
      switch (random.nextInt(10)) {
        case 0 -> f.fleet.instance(id).startsUnhealthy();
        case 1 -> f.fleet.instance(id).neverBecomesHealthy();
        case 2 -> f.fleet.instance(id).failsUpgrade();
        case 3 -> f.fleet.instance(id).becomesUnhealthyAt(VirtualScheduler.DEFAULT_START.plusSeconds(random.nextInt(2000)));
        case 4 -> f.fleet.instance(id).neverBecomesHealthy().failsRollback();
        default -> { }
      }
    }
    return f;
  }
}
