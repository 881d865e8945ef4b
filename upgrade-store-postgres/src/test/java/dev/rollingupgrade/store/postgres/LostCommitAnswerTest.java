package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A commit whose answer is lost (the connection drops right after the server committed, or right
 * before): the store cannot tell from the error whether the group landed. The engine then rewinds
 * the failed group and writes the run's end at the same sequence number; the store must accept it
 * only if the failed group did not land, as the file store accepts a group written again after a
 * write it cut back — never report a different group as written.
 */
class LostCommitAnswerTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static HikariDataSource db;
  private static int runs;

  /** Loses the answer of the next commit: after the server committed ({@code landed}) or before. */
  static final class LosingCommits extends DatabaseFaultsTest.Switchable {
    private final DataSource target;
    private volatile Boolean loseNext; // null: commits answer

    LosingCommits(DataSource target) {
      super(target);
      this.target = target;
    }

    void loseNextCommit(boolean landed) {
      loseNext = landed;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = target.getConnection();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            Boolean lose = loseNext;
            if (method.getName().equals("commit") && lose != null) {
              loseNext = null;
              if (lose) {
                c.commit();
              } else {
                c.rollback();
              }
              throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            }
            try {
              return method.invoke(c, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  @BeforeAll
  static void database() {
    db = TestDatabase.migrated();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static RunRecord rec(String run, long seq, String kind) {
    return RunRecord.of(run, seq, T0.plusSeconds(seq), kind, Map.of("n", Long.toString(seq)));
  }

  private static RunRecord finished(String run, long seq) {
    UpgradeHistoryEntry entry = UpgradeHistoryEntry.builder().runningStatus(RunningStatus.builder()
        .code(RollingUpgradeStatusCode.FAULTED).startTime(T0).endTime(T0.plusSeconds(seq)).build()).build();
    return new RunRecord(run, seq, T0.plusSeconds(seq), "RUN_FINISHED", Map.of("code", "Faulted"),
        Optional.of(new RunRecord.Outcome("vmss-" + run, entry)));
  }

  private record Started(String run, Lease lease, PostgresRolloutStore store, LosingCommits source) {}

  /** RUN_STARTED(0) durable, VERDICT(1) deferred, then BATCH_STARTED(2) fails with its commit's answer lost. */
  private static Started failedBatchStart(int attempts, boolean landed) {
    String run = "run-" + (++runs);
    LosingCommits source = new LosingCommits(db);
    PostgresRolloutStore store = PostgresRolloutStore.builder(source).retries(attempts, Duration.ZERO).open();
    Lease lease = store.claim(run, "a", MINUTE).orElseThrow();
    store.append(lease, List.of(rec(run, 0, "RUN_STARTED"))).toCompletableFuture().join();
    store.appendDeferred(lease, List.of(rec(run, 1, "VERDICT"))).toCompletableFuture().join();
    source.loseNextCommit(landed);
    return new Started(run, lease, store, source);
  }

  private static List<String> kindsInDatabase(String run) {
    return PostgresRolloutStore.open(db).records(run).stream().map(RunRecord::kind).toList();
  }

  @Test
  void aRewrittenEndIsRefusedWhenTheFailedGroupLandedAfterAll() {
    Started s = failedBatchStart(1, true);
    assertThatThrownBy(() -> s.store.append(s.lease, List.of(rec(s.run, 2, "BATCH_STARTED"))).toCompletableFuture()
        .join()).hasCauseInstanceOf(UncheckedIOException.class).hasMessageContaining("08006");
    // the engine rewinds one and ends the run FAULTED at the same sequence number
    assertThatThrownBy(() -> s.store.append(s.lease, List.of(finished(s.run, 2))).toCompletableFuture().join())
        .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("landed after all");
    assertThat(kindsInDatabase(s.run)).containsExactly("RUN_STARTED", "VERDICT", "BATCH_STARTED");
    assertThat(s.store.records(s.run)).extracting(RunRecord::kind)
        .containsExactly("RUN_STARTED", "VERDICT", "BATCH_STARTED");
    assertThat(s.store.unfinishedRuns()).contains(s.run);
    assertThat(s.store.history("vmss-" + s.run)).isEmpty();
  }

  @Test
  void aDeferredGroupAfterAFailedGroupThatLandedIsRefusedAtOnce() {
    Started s = failedBatchStart(1, true);
    assertThatThrownBy(() -> s.store.append(s.lease, List.of(rec(s.run, 2, "BATCH_STARTED"))).toCompletableFuture()
        .join()).hasCauseInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> s.store.appendDeferred(s.lease, List.of(rec(s.run, 2, "VERDICT"))).toCompletableFuture()
        .join()).hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3");
    s.store.append(s.lease, List.of(rec(s.run, 3, "BATCH_FINISHED"))).toCompletableFuture().join();
    assertThat(kindsInDatabase(s.run)).containsExactly("RUN_STARTED", "VERDICT", "BATCH_STARTED", "BATCH_FINISHED");
  }

  @Test
  void aRewrittenEndIsWrittenWithTheHeldGroupsWhenTheFailedGroupDidNotLand() {
    Started s = failedBatchStart(1, false);
    assertThatThrownBy(() -> s.store.append(s.lease, List.of(rec(s.run, 2, "BATCH_STARTED"))).toCompletableFuture()
        .join()).hasCauseInstanceOf(UncheckedIOException.class);
    s.store.append(s.lease, List.of(finished(s.run, 2))).toCompletableFuture().join();
    assertThat(kindsInDatabase(s.run)).containsExactly("RUN_STARTED", "VERDICT", "RUN_FINISHED");
    assertThat(s.store.unfinishedRuns()).doesNotContain(s.run);
    assertThat(s.store.history("vmss-" + s.run)).hasSize(1);
  }

  @Test
  void aRetryFindsItsOwnGroupThatLandedAndWritesItOnce() {
    Started s = failedBatchStart(2, true);
    s.store.append(s.lease, List.of(rec(s.run, 2, "BATCH_STARTED"))).toCompletableFuture().join();
    assertThat(kindsInDatabase(s.run)).containsExactly("RUN_STARTED", "VERDICT", "BATCH_STARTED");
    assertThat(TestDatabase.queryLong(db, "SELECT count(*) FROM rollout_journal WHERE run_id = '" + s.run + "'"))
        .isEqualTo(2);
  }
}
