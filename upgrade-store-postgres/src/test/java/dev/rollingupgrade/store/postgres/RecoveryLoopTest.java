package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recovery loop leaves a run it cannot resume alone until its journal grows, or for a while. */
class RecoveryLoopTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Each attempt to resume claims the run (a new token) and, failing, releases it. */
  private static long attempts(HikariDataSource db) {
    return TestDatabase.queryLong(db, "SELECT fencing_token FROM rollout_run WHERE run_id = 'run-x'");
  }

  private static void write(PostgresRolloutStore store, RunRecord record) {
    Lease lease = store.claim("run-x", "someone", Duration.ofMinutes(1)).orElseThrow();
    store.append(lease, List.of(record)).toCompletableFuture().join();
    store.release(lease);
  }

  @Test
  void aRunThatCannotBeResumedIsReadAgainOnlyOnceItsJournalGrowsOrAfterAWhile() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      PostgresRolloutStore store = PostgresRolloutStore.open(db);
      // a journal in a format this SDK does not read
      write(store, RunRecord.of("run-x", 0, T0, "RUN_STARTED", Map.of("format", "99", "scaleSet", "vmss")));
      RecoveryLoop loop = RecoveryLoop.of(store, new Replicas().recovery(store, "replica-b"));
      long before = attempts(db);
      assertThat(loop.recoverNow()).isEmpty();
      assertThat(attempts(db)).as("first pass").isEqualTo(before + 1);
      assertThat(loop.recoverNow()).isEmpty();
      assertThat(attempts(db)).as("second pass: left alone").isEqualTo(before + 1);

      write(store, RunRecord.of("run-x", 1, T0, "PLAN", Map.of()));
      long grown = attempts(db);
      assertThat(loop.recoverNow()).isEmpty();
      assertThat(attempts(db)).as("after the journal grew").isEqualTo(grown + 1);
      for (int pass = 1; pass < RecoveryLoop.RETRY_PASSES; pass++) {
        loop.recoverNow();
      }
      assertThat(attempts(db)).as("left alone for a while").isEqualTo(grown + 1);
      loop.recoverNow();
      assertThat(attempts(db)).as("then tried again").isEqualTo(grown + 2);
    }
  }
}
