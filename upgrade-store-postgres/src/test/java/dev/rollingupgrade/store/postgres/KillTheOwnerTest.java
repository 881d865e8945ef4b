package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database: the owner of a run dies at random journal records (with the
 * deferred records it held); the other replica's recovery loop takes the run over once the lease
 * expired by the database clock — not before — and finishes it: every instance upgraded exactly
 * once, the same calls, final status and history as the uninterrupted run (the history's end time
 * may come a health poll later: verdicts the dead owner held unwritten are asked again).
 */
class KillTheOwnerTest {
  private static String digest;
  private static RollingUpgradeStatus status;
  private static UpgradeHistoryEntry history;
  private static int records;

  @BeforeAll
  static void uninterrupted() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      Replicas r = new Replicas();
      PostgresRolloutStore store = PostgresRolloutStore.open(db);
      assertThat(r.start(store, "replica-a")).isFalse();
      r.invariants.assertObeyed(r.recorder, r.run, UpgradeOperationInvoker.PLATFORM);
      digest = r.digest();
      status = r.run.status();
      history = r.run.completion().toCompletableFuture().join();
      records = store.records(r.run.runId()).size();
      assertThat(status.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
      assertThat(store.history("vmss")).containsExactly(history);
      assertThat(records).isGreaterThan(60);
    }
  }

  @Test
  void theOtherReplicaTakesOverAfterTheLeaseExpiresAndEndsTheRunAsTheUninterruptedOne() {
    TreeSet<Integer> deaths = new TreeSet<>(List.of(2, records)); // the first record after the start, the last
    Random random = new Random(16);
    while (deaths.size() < 8) {
      deaths.add(2 + random.nextInt(records - 1));
    }
    for (int k : deaths) {
      String where = "owner died before record " + k;
      try (HikariDataSource db = TestDatabase.migrated()) {
        Replicas r = new Replicas();
        DyingReplica a = new DyingReplica(PostgresRolloutStore.open(db), k);
        assertThat(r.start(a, "replica-a")).as(where).isTrue();
        r.run.abandon(); // gone with its replica: its release fails, so the lease stays until it expires

        PostgresRolloutStore b = PostgresRolloutStore.open(db);
        RecoveryLoop loop = RecoveryLoop.of(b, r.recovery(b, "replica-b"));
        assertThat(loop.recoverNow()).as(where + ": taken over before the lease expired").isEmpty();
        TestDatabase.expireLeases(db);
        List<RollingUpgradeRun> taken = loop.recoverNow();
        assertThat(taken).as(where).hasSize(1);
        r.run = taken.get(0);
        r.recorder.watch(r.run);
        assertThat(r.runOrDie()).as(where).isFalse();

        assertThat(r.upgrades().values()).as(where + ": upgrades per instance " + r.upgrades()).containsOnly(1);
        assertThat(r.digest()).as(where).isEqualTo(digest);
        assertThat(r.run.status()).as(where).isEqualTo(status);
        UpgradeHistoryEntry resumed = r.run.completion().toCompletableFuture().join();
        // the verdicts the dead owner held unwritten are asked again of health: that may end the run a poll later
        assertThat(resumed).as(where).usingRecursiveComparison().ignoringFields("runningStatus").isEqualTo(history);
        assertThat(resumed.runningStatus().orElseThrow().code()).isEqualTo(history.runningStatus().orElseThrow().code());
        assertThat(resumed.runningStatus().orElseThrow().startTime())
            .isEqualTo(history.runningStatus().orElseThrow().startTime());
        assertThat(b.history("vmss")).as(where).containsExactly(resumed);
        assertThat(b.unfinishedRuns()).as(where).isEmpty();
        assertThat(TestDatabase.queryLong(db, "SELECT fencing_token FROM rollout_run WHERE owner = 'replica-b'"))
            .as(where).isEqualTo(2);
        assertThat(loop.recoverNow()).as(where).isEmpty();
      }
    }
  }
}
