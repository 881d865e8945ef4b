package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract (DESIGN §11) on a real PostgreSQL: leases, fencing, grouped and deferred writes, history. */
class PostgresRolloutStoreTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456789Z");
  private static HikariDataSource db;
  private static int runs;

  @BeforeAll
  static void database() {
    db = TestDatabase.migrated();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static String newRun() {
    return "run-" + (++runs);
  }

  private static RunRecord record(String run, long seq) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("zeta", "1");
    attributes.put("alpha", "a \"quoted\" value\nwith a line");
    attributes.put("instances", "[\"7\",\"8\"]");
    return RunRecord.of(run, seq, T0.plusSeconds(seq), seq == 0 ? "RUN_STARTED" : "BATCH_STARTED", attributes);
  }

  private static RunRecord last(String run, long seq, String scaleSet, int n) {
    UpgradeHistoryEntry entry = UpgradeHistoryEntry.builder().runningStatus(RunningStatus.builder()
        .code(RollingUpgradeStatusCode.COMPLETED).startTime(T0).endTime(T0.plusSeconds(n)).build()).build();
    return new RunRecord(run, seq, T0.plusSeconds(seq), "RUN_FINISHED", Map.of("code", "Completed"),
        Optional.of(new RunRecord.Outcome(scaleSet, entry)));
  }

  private static void append(PostgresRolloutStore store, Lease lease, RunRecord... records) {
    store.append(lease, List.of(records)).toCompletableFuture().join();
  }

  @Test
  void recordsComeBackExactlyAndFromAnotherReplica() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0), record(run, 1));
    append(a, lease, record(run, 2));
    List<RunRecord> expected = List.of(record(run, 0), record(run, 1), record(run, 2));
    assertThat(a.records(run)).isEqualTo(expected);
    assertThat(PostgresRolloutStore.open(db).records(run)).isEqualTo(expected);
    assertThat(a.records(run).get(0).attributes().keySet()).containsExactly("zeta", "alpha", "instances");
    assertThat(a.records("no-such-run")).isEmpty();
  }

  @Test
  void aClaimGrantsOneOwnerUntilTheLeaseExpiresAndEachClaimBumpsTheToken() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    PostgresRolloutStore b = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease first = a.claim(run, "a", MINUTE).orElseThrow();
    assertThat(b.claim(run, "b", MINUTE)).isEmpty();
    assertThat(first.expiresAt()).isAfter(Instant.now().plusSeconds(30)); // the database's clock, not a virtual one
    TestDatabase.expireLeases(db);
    Lease second = b.claim(run, "b", MINUTE).orElseThrow();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    assertThat(a.claim(run, "a", MINUTE)).isEmpty();
    b.release(second);
    Lease third = a.claim(run, "a", MINUTE).orElseThrow();
    assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
  }

  @Test
  void anOwnerWhoseRunWasClaimedSinceCanNeitherWriteNorRenew() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    PostgresRolloutStore b = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease old = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, old, record(run, 0));
    TestDatabase.expireLeases(db);
    Lease now = b.claim(run, "b", MINUTE).orElseThrow();
    // the old owner wakes up late: nothing it does counts
    assertThatThrownBy(() -> append(a, old, record(run, 1))).hasCauseInstanceOf(LeaseLostException.class)
        .hasMessageContaining("held by b with token " + now.fencingToken());
    assertThatThrownBy(() -> a.renew(old, MINUTE)).isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> a.appendDeferred(old, List.of(record(run, 1))).toCompletableFuture().join())
        .hasCauseInstanceOf(LeaseLostException.class); // its lease is checked before anything is held
    assertThatThrownBy(() -> append(a, old, record(run, 2))).hasCauseInstanceOf(LeaseLostException.class);
    assertThat(b.records(run)).containsExactly(record(run, 0));
    append(b, now, record(run, 1));
    assertThat(a.records(run)).containsExactly(record(run, 0), record(run, 1));
    a.release(old); // does nothing to the new owner's lease
    assertThat(a.claim(run, "a", MINUTE)).isEmpty();
  }

  @Test
  void anExpiredLeaseWritesNothingAndCannotBeRenewedEvenIfNobodyClaimedTheRun() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0));
    TestDatabase.expireLeases(db);
    assertThatThrownBy(() -> append(a, lease, record(run, 1))).hasCauseInstanceOf(LeaseLostException.class)
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> a.renew(lease, MINUTE)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> a.appendDeferred(lease, List.of(record(run, 1))).toCompletableFuture().join())
        .hasCauseInstanceOf(LeaseLostException.class);
    assertThat(PostgresRolloutStore.open(db).records(run)).containsExactly(record(run, 0));
    assertThat(PostgresRolloutStore.open(db).claim(run, "b", MINUTE)).isPresent();
  }

  @Test
  void eachWriteGivesTheLeaseItsFullDurationAgain() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    String left = "SELECT extract(epoch FROM lease_until - clock_timestamp())::bigint FROM rollout_run WHERE run_id = '"
        + run + "'";
    TestDatabase.execute(db, "UPDATE rollout_run SET lease_until = clock_timestamp() + interval '2 seconds' "
        + "WHERE run_id = '" + run + "'");
    append(a, lease, record(run, 0));
    assertThat(TestDatabase.queryLong(db, left)).isBetween(50L, 60L);
    a.renew(lease, Duration.ofMinutes(10));
    TestDatabase.execute(db, "UPDATE rollout_run SET lease_until = clock_timestamp() + interval '2 seconds' "
        + "WHERE run_id = '" + run + "'");
    append(a, lease, record(run, 1));
    assertThat(TestDatabase.queryLong(db, left)).as("the renewal's duration").isBetween(590L, 600L);
  }

  @Test
  void aLateReleaseOfAnOlderLeaseKeepsTheNewerLeasesDeferredRecords() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease first = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, first, record(run, 0));
    TestDatabase.expireLeases(db);
    Lease second = a.claim(run, "a", MINUTE).orElseThrow();
    a.appendDeferred(second, List.of(record(run, 1))).toCompletableFuture().join();
    assertThat(a.records(run)).hasSize(2);
    a.release(first); // late: changes nothing
    assertThat(a.records(run)).hasSize(2);
    append(a, second, record(run, 2));
    assertThat(PostgresRolloutStore.open(db).records(run)).containsExactly(record(run, 0), record(run, 1), record(run, 2));
    assertThat(PostgresRolloutStore.open(db).claim(run, "b", MINUTE)).isEmpty();
  }

  @Test
  void theStoreKeepsNoStateForRunsItDoesNotHold() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    PostgresRolloutStore b = PostgresRolloutStore.open(db);
    List<String> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String run = newRun();
      held.add(run);
      b.claim(run, "b", MINUTE).orElseThrow();
      assertThat(a.claim(run, "a", MINUTE)).isEmpty();
    }
    assertThat(a.runsHeld()).as("after claims that failed").isZero();

    String run = newRun();
    Lease lost = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lost, record(run, 0));
    TestDatabase.expireLeases(db);
    Lease taken = b.claim(run, "b", MINUTE).orElseThrow();
    assertThatThrownBy(() -> append(a, lost, record(run, 1))).hasCauseInstanceOf(LeaseLostException.class);
    assertThat(a.runsHeld()).as("after a write refused").isZero();

    String renewed = newRun();
    Lease expired = a.claim(renewed, "a", MINUTE).orElseThrow();
    TestDatabase.expireLeases(db);
    assertThatThrownBy(() -> a.renew(expired, MINUTE)).isInstanceOf(LeaseLostException.class);
    assertThat(a.runsHeld()).as("after a renewal refused").isZero();

    String released = newRun();
    a.release(a.claim(released, "a", MINUTE).orElseThrow());
    assertThat(a.runsHeld()).as("after a release").isZero();
    b.release(taken);
  }

  @Test
  void aHistoryKeptLongerThanPostgresCanCountStillLetsRunsEnd() {
    for (Duration forever : List.of(Duration.ofDays(365L * 300), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
      PostgresRolloutStore a = PostgresRolloutStore.builder(db).historyRetention(2, forever).open();
      String run = newRun();
      Lease lease = a.claim(run, "a", forever).orElseThrow();
      append(a, lease, record(run, 0), last(run, 1, "vmss-forever", 1));
      assertThat(a.unfinishedRuns()).doesNotContain(run);
      assertThat(a.history("vmss-forever")).isNotEmpty();
    }
    assertThat(JournalRows.micros(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(JournalRows.micros(JournalRows.LONGEST));
    assertThat(JournalRows.micros(Duration.ofMillis(1500))).isEqualTo(1_500_000L);
  }

  @Test
  void aReleasedLeaseWritesNothing() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0));
    a.release(lease);
    assertThatThrownBy(() -> append(a, lease, record(run, 1))).hasCauseInstanceOf(LeaseLostException.class)
        .hasMessageContaining("released");
    assertThatThrownBy(() -> a.renew(lease, MINUTE)).isInstanceOf(LeaseLostException.class);
  }

  @Test
  void aGroupOutOfSequenceIsRefusedWhole() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    assertThatThrownBy(() -> append(a, lease, record(run, 1))).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> append(a, lease, record(run, 0), record(run, 2)))
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(a.records(run)).isEmpty();
    append(a, lease, record(run, 0), record(run, 1));
    assertThat(PostgresRolloutStore.open(db).records(run)).hasSize(2);
  }

  @Test
  void timesBeforeTheEpochAndAtInstantsEdgesComeBackExactly() throws Exception {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    Instant firstTimestamp = Instant.ofEpochSecond(-210_866_803_200L); // 4714-11-24 BC, PostgreSQL's first
    Instant farFuture = Instant.parse("+200000-06-01T12:34:56.123456Z");
    List<Instant> times = List.of(Instant.ofEpochSecond(-2, 500_000_000), Instant.EPOCH, Instant.ofEpochSecond(0, 1),
        Instant.MIN, Instant.MAX, T0, firstTimestamp, farFuture);
    List<RunRecord> written = new ArrayList<>();
    for (Instant t : times) {
      written.add(RunRecord.of(run, written.size(), t, "BATCH_STARTED", Map.of("batch", "" + written.size())));
    }
    append(a, lease, written.toArray(RunRecord[]::new));
    assertThat(PostgresRolloutStore.open(db).records(run)).isEqualTo(written);
    List<Instant> audited = new ArrayList<>(); // Instant.MIN and MAX are beyond PostgreSQL's timestamps: null
    try (var c = db.getConnection(); var s = c.prepareStatement(
        "SELECT decided_at FROM rollout_record WHERE run_id = ? ORDER BY sequence")) {
      s.setString(1, run);
      try (var r = s.executeQuery()) {
        while (r.next()) {
          var t = r.getObject(1, java.time.OffsetDateTime.class);
          audited.add(t == null ? null : t.toInstant());
        }
      }
    }
    assertThat(audited).containsExactly(Instant.ofEpochSecond(-2, 500_000_000), Instant.EPOCH, Instant.EPOCH, null,
        null, Instant.parse("2026-01-01T00:00:00.123457Z"), firstTimestamp, farFuture);
  }

  @Test
  void aJournalRowNotInTheStoresFormIsNamedWhenRead() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("[{\"sequence\": 1, \"time\": \"2026-01-01T00:00:00Z\", \"kind\": \"X\"}]",
        "record 1 in the database is not [time, kind");
    rows.put("[[1767225600, \"X\", {}, \"vmss\"]]", "is not [time, kind");
    rows.put("[[\"2026-01-01T00:00:00Z\", \"X\", {}]]", "is not [time, kind");
    rows.put("[[1e400, \"X\", {}]]", "has a time (1E+400 s) no instant has");
    rows.put("[[1767225600, \"X\", {}]", "is not in the JSON this store writes: Unexpected end-of-input");
    rows.put("{}", "is not in a JSON array");
    rows.put("", "is not in a JSON array");
    rows.put("[]", "the row of records 1 to 1 in the database holds 0");
    rows.put("[[1767225600, \"X\", {}], [1767225600, \"Y\", {}]]", "the row of records 1 to 1 in the database holds 2");
    rows.put("[[1767225600, \"X\", {\"a\": {\"b\": 1}}]]", "has attribute a that is not text");
    rows.put("[[1767225600, \"X\", {}, 5, {}]]", "is not [time, kind");
    rows.put("[[1767225600, \"X\", {}, \"vmss\", \"entry\"]]", "is not [time, kind");
    rows.put("[[1767225600, \"X\", {}, \"vmss\", {\"properties\": 7}]]", "has an outcome that is not a history entry");
    for (Map.Entry<String, String> row : rows.entrySet()) {
      String run = newRun();
      Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
      append(a, lease, record(run, 0));
      TestDatabase.execute(db, "INSERT INTO rollout_journal (run_id, first_sequence, last_sequence, fencing_token, "
          + "records) VALUES ('" + run + "', 1, 1, " + lease.fencingToken() + ", '" + row.getKey() + "')");
      assertThatThrownBy(() -> PostgresRolloutStore.open(db).records(run)).as(row.getKey())
          .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("run " + run + ": ")
          .hasMessageContaining(row.getValue());
    }
    String run = newRun(); // a row that does not follow the one before it
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0));
    TestDatabase.execute(db, "INSERT INTO rollout_journal (run_id, first_sequence, last_sequence, fencing_token, "
        + "records) VALUES ('" + run + "', 3, 3, " + lease.fencingToken() + ", '[[1767225600, \"X\", {}]]')");
    assertThatThrownBy(() -> PostgresRolloutStore.open(db).records(run)).isInstanceOf(IllegalStateException.class)
        .hasMessage("run " + run + ": the database holds records up to 0, then a row from record 3");
  }

  @Test
  void theAuditViewShowsOneRowPerRecordWithItsSequenceTimeAndKind() throws Exception {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0), record(run, 1));
    append(a, lease, record(run, 2), last(run, 3, "vmss-audited", 3));
    try (var c = db.getConnection(); var s = c.prepareStatement("SELECT sequence, decided_at, kind, "
        + "attributes ->> 'alpha', outcome_scale_set, outcome_entry IS NOT NULL FROM rollout_record "
        + "WHERE run_id = ? ORDER BY sequence")) {
      s.setString(1, run);
      try (var r = s.executeQuery()) {
        for (long seq = 0; seq < 4; seq++) {
          assertThat(r.next()).isTrue();
          assertThat(r.getLong(1)).isEqualTo(seq);
          // the view's timestamps are PostgreSQL's: T0 to the nearest microsecond
          assertThat(r.getObject(2, java.time.OffsetDateTime.class).toInstant())
              .isEqualTo(Instant.parse("2026-01-01T00:00:00.123457Z").plusSeconds(seq));
          assertThat(r.getString(3)).isEqualTo(seq == 0 ? "RUN_STARTED" : seq == 3 ? "RUN_FINISHED" : "BATCH_STARTED");
          assertThat(r.getString(4)).isEqualTo(seq == 3 ? null : "a \"quoted\" value\nwith a line");
          assertThat(r.getString(5)).isEqualTo(seq == 3 ? "vmss-audited" : null);
          assertThat(r.getBoolean(6)).isEqualTo(seq == 3);
        }
        assertThat(r.next()).isFalse();
      }
    }
  }

  @Test
  void deferredGroupsAreReadableAtOnceAndDurableWithTheNextAppend() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    PostgresRolloutStore other = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0));
    a.appendDeferred(lease, List.of(record(run, 1), record(run, 2))).toCompletableFuture().join();
    a.appendDeferred(lease, List.of(record(run, 3))).toCompletableFuture().join();
    assertThat(a.records(run)).hasSize(4);
    assertThat(other.records(run)).hasSize(1); // held in a's memory only: a replica that dies loses them
    long before = TestDatabase.queryLong(db, "SELECT count(*) FROM rollout_record");
    append(a, lease, record(run, 4));
    assertThat(other.records(run)).isEqualTo(a.records(run)).hasSize(5);
    assertThat(TestDatabase.queryLong(db, "SELECT count(*) FROM rollout_record")).isEqualTo(before + 4);
  }

  @Test
  void theFinalRecordAddsTheHistoryEntryAndEndsTheRun() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    String run = newRun();
    Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
    append(a, lease, record(run, 0));
    assertThat(a.unfinishedRuns()).contains(run);
    a.appendDeferred(lease, List.of(last(run, 1, "vmss-final", 1))).toCompletableFuture().join();
    assertThat(a.unfinishedRuns()).doesNotContain(run);
    RunRecord end = PostgresRolloutStore.open(db).records(run).get(1);
    assertThat(end).isEqualTo(last(run, 1, "vmss-final", 1));
    assertThat(a.history("vmss-final")).containsExactly(end.outcome().orElseThrow().historyEntry());
  }

  @Test
  void historyIsNewestFirstAndTrimmedInSql() {
    PostgresRolloutStore a = PostgresRolloutStore.builder(db).historyRetention(3, Duration.ofDays(1)).open();
    List<UpgradeHistoryEntry> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String run = newRun();
      Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
      append(a, lease, record(run, 0), last(run, 1, "vmss-trimmed", i));
      written.add(0, last(run, 1, "vmss-trimmed", i).outcome().orElseThrow().historyEntry());
    }
    assertThat(a.history("vmss-trimmed")).isEqualTo(written.subList(0, 3));
    assertThat(TestDatabase.queryLong(db, "SELECT count(*) FROM rollout_history WHERE scale_set = 'vmss-trimmed'"))
        .isEqualTo(3);
    assertThat(a.history("nothing-here")).isEmpty();
  }

  @Test
  void unfinishedAndOrphanedRunsAreListedOldestFirst() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    List<String> mine = new ArrayList<>();
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String run = newRun();
      mine.add(run);
      Lease lease = a.claim(run, "a", MINUTE).orElseThrow();
      leases.add(lease);
      append(a, lease, record(run, 0));
    }
    String claimedOnly = newRun();
    a.claim(claimedOnly, "a", MINUTE).orElseThrow();
    assertThat(a.unfinishedRuns()).containsSubsequence(mine).doesNotContain(claimedOnly);
    assertThat(a.orphanedRuns()).doesNotContainAnyElementsOf(mine);
    a.release(leases.get(1));
    assertThat(a.orphanedRuns()).contains(mine.get(1)).doesNotContain(mine.get(0), mine.get(2));
  }

  @Test
  void replicasRacingForOneRunGetOneLease() throws Exception {
    List<PostgresRolloutStore> replicas = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      replicas.add(PostgresRolloutStore.open(db));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 10; round++) {
        String run = newRun();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Lease>>> claims = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          PostgresRolloutStore store = replicas.get(i);
          String owner = "replica-" + i;
          claims.add(pool.submit(() -> {
            go.await();
            return store.claim(run, owner, MINUTE);
          }));
        }
        go.countDown();
        int granted = 0;
        for (Future<Optional<Lease>> claim : claims) {
          granted += claim.get().isPresent() ? 1 : 0;
        }
        assertThat(granted).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badArgumentsAreRefused() {
    PostgresRolloutStore a = PostgresRolloutStore.open(db);
    assertThatThrownBy(() -> a.claim("x", "a", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.claim(null, "a", MINUTE)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PostgresRolloutStore.builder(db).historyRetention(0, MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.append(new Lease("never-claimed", "a", 1, Instant.EPOCH), List.of(record("never-claimed", 0)))
        .toCompletableFuture().join()).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(LeaseLostException.class);
  }
}
