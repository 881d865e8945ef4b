package dev.rollingupgrade.testkit.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.core.run.BatchRun;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RunAssert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RunAssert's batch-level checks: count, members, nothing new after a stop; each fails with what happened. */
class RunAssertChecksBatchesTest {
  private static final Instant START = RolloutTestEnvironment.builder().build().clock().now();

  /** 20 instances, 1 zone, 5 update domains: batches of 4, one update domain each, 90 s apart; cancelled in batch 2. */
  private final RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(20).build();
  private final RollingUpgradeRun run = env.start(env.scaleSet());

  private RunAssert cancelledDuringBatchTwo() {
    env.advance(Duration.ofSeconds(100));
    run.cancel();
    env.runUntilDone();
    return env.assertThat(run);
  }

  @Test
  void theBatchesAreRecordedWithTheirMembersAndTimes() {
    List<BatchRun> batches = cancelledDuringBatchTwo().batches();
    assertThat(batches).extracting(BatchRun::number).containsExactly(1, 2);
    assertThat(batches.get(0).instanceIds()).containsExactlyInAnyOrder("0", "5", "10", "15");
    assertThat(batches.get(0).start()).isEqualTo(START);
    assertThat(batches.get(0).end()).contains(START.plusSeconds(90));
    assertThat(batches.get(1).start()).isEqualTo(START.plusSeconds(90));
    assertThat(batches.get(1).end()).contains(START.plusSeconds(180)); // the batch in flight finished
  }

  @Test
  void passingChecksChain() {
    cancelledDuringBatchTwo().isCancelled().hasBatchCount(2).hasBatch(1, "15", "10", "5", "0")
        .hasBatch(2, "1", "6", "11", "16").startedNoBatchAfter(START.plusSeconds(100))
        .startedNoBatchAfter(START.plusSeconds(90)); // a batch starting at the very instant counts as before
  }

  @Test
  void aWrongCountNamesTheBatches() {
    RunAssert check = cancelledDuringBatchTwo();
    assertThatThrownBy(() -> check.hasBatchCount(5)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("to start 5 batches but it started 2: [batch 1 [0, 5, 10, 15] started " + START);
  }

  @Test
  void wrongMembersOrAMissingBatchAreReported() {
    RunAssert check = cancelledDuringBatchTwo();
    assertThatThrownBy(() -> check.hasBatch(2, "1", "6", "11")).isInstanceOf(AssertionError.class)
        .hasMessage("expected batch 2 to hold exactly [1, 11, 6] but it held [1, 11, 16, 6]");
    assertThatThrownBy(() -> check.hasBatch(3, "2")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("to start batch 3 but it started 2 batches");
  }

  @Test
  void aBatchStartedAfterTheTimeIsReported() {
    RunAssert check = cancelledDuringBatchTwo();
    assertThatThrownBy(() -> check.startedNoBatchAfter(START.plusSeconds(89))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected no batch to start after " + START.plusSeconds(89) + " but batch 2 [1, 6, 11, 16] "
            + "started " + START.plusSeconds(90));
  }

  @Test
  void anUpgradeOutsideTheBatchesIsReported() {
    RunAssert check = cancelledDuringBatchTwo();
    Instant stop = env.clock().now();
    env.advance(Duration.ofMinutes(1));
    env.fleet().replaceOsDisk("vmss", "7", env.nextImage(), List.of()); // someone else upgrades after the stop
    env.runUntilDone();
    assertThatThrownBy(() -> check.startedNoBatchAfter(stop)).isInstanceOf(AssertionError.class)
        .hasMessage("expected no upgrade to start after " + stop + " but instance 7, in no batch started by then, "
            + "was upgraded at " + stop.plusSeconds(60));
  }
}
