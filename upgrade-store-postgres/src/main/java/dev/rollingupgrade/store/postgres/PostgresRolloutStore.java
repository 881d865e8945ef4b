package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RolloutStore} on PostgreSQL, shared by the replicas of a service (DESIGN §11): each
 * replica opens its own store on the same database, through the {@link DataSource} the
 * application already has (a pool of its choice; this store opens no connection of its own
 * outside it, and keeps none between calls).
 *
 * <pre>{@code
 * PostgresSchema.migrate(dataSource);                 // opt-in; or apply the shipped SQL with Flyway/Liquibase
 * RolloutStore store = PostgresRolloutStore.open(dataSource);   // fails fast on a wrong schema version
 * }</pre>
 *
 * <p><b>Ownership.</b> One row per run holds its lease: the owner, {@code lease_until} by the
 * database's clock (so replicas' clocks never matter) and the fencing token, bumped by every
 * claim. A claim takes a run nobody holds — never claimed, lease expired, or released — under
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, so replicas racing for one run never wait for each
 * other and exactly one wins. Every journal write locks the run's row and is refused with
 * {@link LeaseLostException} unless the lease's token is still the run's newest and the lease has
 * not expired (database clock), and gives the lease its full duration again: an owner that
 * stalled past its lease writes nothing more, whether or not another replica claimed the run
 * since, and its run stops. What remains: a write that commits just before the lease expires,
 * whose side effect happens after it.
 *
 * <p><b>Group commit.</b> {@link #append} writes its group, with the {@link #appendDeferred}
 * groups held since the run's last write, in one transaction and one statement: durability costs
 * one round trip per side effect, not per record. Each group is one row of {@code rollout_journal}
 * (a JSON array; the view {@code rollout_record} shows one row per record). Held groups are kept in this store's memory (at
 * most 10,000 records a run, then written) and returned by {@link #records}; a replica that dies
 * loses them, as the contract allows. A run's final record adds its history entry in the same
 * transaction; the history keeps, by SQL, the newest entries of each scale set (100 unless set by
 * {@link Builder#historyRetention}).
 *
 * <p><b>Faults.</b> A write that fails because the connection dropped or the server restarted is
 * made again on another connection of the pool (3 attempts unless set by {@link Builder#retries});
 * one whose commit landed before the connection dropped is recognised (same records), never
 * written twice. When every attempt fails, the stage fails with an {@link UncheckedIOException}
 * naming the SQL state: the run stops with that reason and stays unfinished in the database, for
 * a replica to resume. Whether such a write landed after all is asked of the database before the
 * run's next write: if it did not, the next group follows the records before it (with the held
 * ones), as in the file store; if it did, groups that do not follow it are refused.
 * Thread-safe: runs write concurrently, each on its own connection.
 */
public final class PostgresRolloutStore implements RolloutStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresRolloutStore.class);
  private static final int MAX_HELD_RECORDS = 10_000;

  private final Transactions tx;
  private final HistoryRetention retention;
  /**
   * Per run this store holds a lease on: the newest token it knows, its next sequence number and
   * the deferred groups held. An entry goes when its run ends, its lease is released or lost.
   */
  private final ConcurrentHashMap<String, RunWrites> writes = new ConcurrentHashMap<>(); // lookups only

  private static final class RunWrites {
    long token;
    long nextSequence = -1; // unknown: read from the database
    /** A write failed without saying whether it landed: the database tells, before the next write. */
    boolean unsure;
    /** Of the lease's last claim or renewal here: each write extends the lease by it (null: unknown). */
    Duration leaseDuration;
    final List<RunRecord> held = new ArrayList<>();
  }

  private PostgresRolloutStore(Builder b) {
    this.tx = new Transactions(b.dataSource, b.attempts, b.backoff);
    this.retention = new HistoryRetention(b.maxEntries, b.maxAge);
    tx.inTransaction("check the schema version", c -> {
      PostgresSchema.check(c);
      PostgresSchema.checkWritable(c);
      return null;
    });
  }

  /**
   * A store on {@code dataSource} with the defaults.
   *
   * @throws IllegalStateException if the database does not hold schema version {@link PostgresSchema#CURRENT_VERSION},
   *     or is read-only (a standby, {@code default_transaction_read_only})
   * @throws UncheckedIOException if the database cannot be reached
   */
  public static PostgresRolloutStore open(DataSource dataSource) {
    return builder(dataSource).open();
  }

  /** Configures a store on {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public Optional<Lease> claim(String runId, String owner, Duration duration) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(owner, "owner");
    positive(duration);
    Optional<Lease> lease = tx.autoCommit("claim run " + runId, c -> LeaseRows.claim(c, runId, owner, duration));
    lease.ifPresent(l -> {
      RunWrites w = writes.computeIfAbsent(runId, k -> new RunWrites());
      synchronized (w) {
        if (w.token < l.fencingToken()) {
          w.token = l.fencingToken();
          w.held.clear(); // held under an older lease of this store: never to be written now
          w.nextSequence = -1;
          w.unsure = false;
          w.leaseDuration = duration;
        }
      }
    });
    return lease;
  }

  @Override
  public Lease renew(Lease lease, Duration duration) {
    Objects.requireNonNull(lease, "lease");
    positive(duration);
    Lease renewed;
    try {
      renewed = tx.autoCommit("renew the lease of run " + lease.runId(), c -> LeaseRows.renew(c, lease, duration));
    } catch (LeaseLostException e) {
      forget(lease);
      throw e;
    }
    RunWrites w = writes.get(lease.runId());
    if (w != null) {
      synchronized (w) {
        if (w.token == lease.fencingToken()) {
          w.leaseDuration = duration;
        }
      }
    }
    return renewed;
  }

  /** Drops what this store holds for the run under {@code lease}, unless it knows a newer lease. */
  private void forget(Lease lease) {
    RunWrites w = writes.get(lease.runId());
    if (w != null) {
      synchronized (w) {
        if (w.token == lease.fencingToken()) {
          w.held.clear();
          w.nextSequence = -1;
          writes.remove(lease.runId(), w);
        }
      }
    }
  }

  /**
   * Writes the run's held groups first (best effort), then gives the run up. The release of an
   * older lease than the newest this store knows changes nothing.
   */
  @Override
  public void release(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    RunWrites w = writes.get(lease.runId());
    if (w != null) {
      synchronized (w) {
        if (w.token == lease.fencingToken()) {
          if (!w.held.isEmpty()) {
            try {
              flush(w, lease, List.of());
            } catch (RuntimeException e) {
              LOG.warn("run {}: {} deferred records could not be written before its release: {}", lease.runId(),
                  w.held.size(), e.getMessage());
            }
          }
          writes.remove(lease.runId(), w);
        }
      }
    }
    tx.autoCommit("release run " + lease.runId(), c -> LeaseRows.release(c, lease));
  }

  /** Writes the held groups of the run and this one in one transaction. */
  @Override
  public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    return write(lease, records, true);
  }

  /**
   * Holds the group in memory (after checking its sequence and that this store knows no newer
   * lease), to be written with the run's next {@link #append}; written at once if it ends the run
   * or the run holds 10,000 records.
   */
  @Override
  public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
    return write(lease, records, false);
  }

  private CompletionStage<Void> write(Lease lease, List<RunRecord> records, boolean force) {
    try {
      Objects.requireNonNull(lease, "lease");
      if (records.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      RunWrites w = writes.computeIfAbsent(lease.runId(), k -> new RunWrites());
      synchronized (w) {
        if (w.token > lease.fencingToken()) {
          throw new LeaseLostException("run " + lease.runId() + ": the lease of " + lease.owner() + " (token "
              + lease.fencingToken() + ") is no longer valid; this store has claimed it since with token " + w.token);
        }
        try {
          return write(w, lease, records, force);
        } catch (LeaseLostException e) {
          w.held.clear();
          w.nextSequence = -1;
          writes.remove(lease.runId(), w);
          throw e;
        }
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<Void> write(RunWrites w, Lease lease, List<RunRecord> records, boolean force) {
    String landed = "";
    if (w.nextSequence < 0 || w.token < lease.fencingToken()) {
      w.held.clear();
      w.token = lease.fencingToken();
      w.unsure = false;
      w.nextSequence = nextSequence(lease);
    } else if (w.unsure) {
      // the last write failed and may have landed all the same (its commit's answer lost): ask
      long durable = nextSequence(lease);
      long before = w.held.isEmpty() ? w.nextSequence : w.held.get(0).sequence();
      if (durable != before) {
        w.held.clear(); // in the database now, or never to be written: the database's records count
        w.nextSequence = durable;
        landed = " (a write of the run that failed landed after all: the database holds its records up to "
            + (durable - 1) + ")";
      }
      w.unsure = false;
    }
    long expected = w.nextSequence;
    boolean ends = false;
    for (RunRecord r : records) {
      if (!r.runId().equals(lease.runId()) || r.sequence() != expected++) {
        throw new IllegalArgumentException("run " + lease.runId() + ": record " + r.runId() + "/" + r.sequence()
            + " out of sequence, expected " + (expected - 1) + landed);
      }
      ends |= r.isFinal();
    }
    if (!force && !ends && w.held.size() + records.size() < MAX_HELD_RECORDS) {
      w.held.addAll(records);
      w.nextSequence = expected;
      return CompletableFuture.completedFuture(null);
    }
    flush(w, lease, records);
    w.nextSequence = expected;
    if (ends) {
      writes.remove(lease.runId(), w);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Writes the held groups and {@code records}. On a failure other than a lost lease the held
   * ones stay held, and whether the write landed is asked of the database before the next one.
   */
  private void flush(RunWrites w, Lease lease, List<RunRecord> records) {
    List<RunRecord> group = records;
    if (!w.held.isEmpty()) {
      group = new ArrayList<>(w.held.size() + records.size());
      group.addAll(w.held);
      group.addAll(records);
    }
    List<RunRecord> all = group;
    String json = JournalRows.json(lease.runId(), all);
    Duration extend = w.leaseDuration;
    try {
      tx.inTransaction("write " + all.size() + " records of run " + lease.runId(), c -> JournalRows.write(c,
          lease.runId(), lease.owner(), lease.fencingToken(), all, json, extend, retention));
      w.held.clear();
    } catch (LeaseLostException e) {
      w.held.clear();
      w.nextSequence = -1;
      throw e;
    } catch (RuntimeException e) {
      w.unsure = true;
      throw e;
    }
  }

  /** The run's next sequence number in the database, if {@code lease} still holds. */
  private long nextSequence(Lease lease) {
    return tx.autoCommit("read run " + lease.runId(), // one statement: its row lock ends with it
        c -> JournalRows.lockRun(c, lease.runId(), lease.owner(), lease.fencingToken()));
  }

  /** How many runs this store holds per-run state for (tests: it must not grow with claims that failed). */
  int runsHeld() {
    return writes.size();
  }

  /** The run's records in the database, then those this store holds for it. */
  @Override
  public List<RunRecord> records(String runId) {
    Objects.requireNonNull(runId, "runId");
    RunWrites w = writes.get(runId);
    if (w == null) {
      return tx.inTransaction("read run " + runId, c -> JournalRows.read(c, runId));
    }
    synchronized (w) {
      List<RunRecord> records = tx.inTransaction("read run " + runId, c -> JournalRows.read(c, runId));
      if (!w.held.isEmpty() && (records.isEmpty() || records.get(records.size() - 1).sequence() + 1
          == w.held.get(0).sequence())) {
        records.addAll(w.held);
      }
      return records;
    }
  }

  @Override
  public List<String> unfinishedRuns() {
    return List.copyOf(runEnds("list unfinished runs", "").keySet());
  }

  /**
   * Ids of unfinished runs that nobody holds — their owner's lease expired (by the database
   * clock) or was released — oldest first: what a replica's {@link RecoveryLoop} may take over.
   */
  public List<String> orphanedRuns() {
    return List.copyOf(orphanedRunEnds().keySet());
  }

  /** {@link #orphanedRuns()}, each with its next sequence number in the database (its journal's end). */
  Map<String, Long> orphanedRunEnds() {
    return runEnds("list orphaned runs", " AND (lease_until IS NULL OR lease_until <= clock_timestamp())");
  }

  private Map<String, Long> runEnds(String what, String condition) {
    return tx.autoCommit(what, c -> {
      Map<String, Long> ids = new LinkedHashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT run_id, next_sequence FROM rollout_run WHERE NOT finished "
          + "AND begun IS NOT NULL" + condition + " ORDER BY begun");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.put(r.getString(1), r.getLong(2));
        }
      }
      return ids;
    });
  }

  @Override
  public List<UpgradeHistoryEntry> history(String scaleSetName) {
    Objects.requireNonNull(scaleSetName, "scaleSetName");
    return tx.autoCommit("read the history of " + scaleSetName, c -> {
      List<UpgradeHistoryEntry> entries = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT entry FROM rollout_history WHERE scale_set = ? ORDER BY id DESC")) {
        s.setString(1, scaleSetName);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            entries.add(JournalRows.entry(r.getString(1)));
          }
        }
      }
      return entries;
    });
  }

  private static void positive(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a lease lasts more than zero, got " + duration);
    }
  }

  /** Configures a {@link PostgresRolloutStore}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private int maxEntries = 100;
    private Duration maxAge = Duration.ofDays(366 * 10);
    private int attempts = 3;
    private Duration backoff = Duration.ofMillis(100);

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * What the store keeps of each scale set's history, applied in SQL whenever a run adds its
     * entry: the newest {@code maxEntries} (default 100), none recorded more than {@code maxAge}
     * ago by the database clock (default 10 years; more than 1,000 years counts as 1,000). Readers
     * apply their own, smaller retention ({@code UpgradeHistory}: Azure's last 5 of 60 days).
     *
     * @throws IllegalArgumentException if {@code maxEntries} is below 1 or {@code maxAge} not positive
     */
    public Builder historyRetention(int maxEntries, Duration maxAge) {
      HistoryRetention checked = new HistoryRetention(maxEntries, Objects.requireNonNull(maxAge, "maxAge"));
      this.maxEntries = checked.maxEntries();
      this.maxAge = checked.maxAge();
      return this;
    }

    /**
     * How often a statement that failed for a passing reason (a dropped connection, a server
     * restarting, a serialization failure) is tried in all, and the pause before the second try
     * (doubling after). Default 3 attempts, 100 ms.
     *
     * @throws IllegalArgumentException if {@code attempts} is below 1 or {@code backoff} negative
     */
    public Builder retries(int attempts, Duration backoff) {
      if (attempts < 1 || backoff.isNegative()) {
        throw new IllegalArgumentException("retries need 1 attempt or more and a pause of 0 or more, got " + attempts
            + ", " + backoff);
      }
      this.attempts = attempts;
      this.backoff = backoff;
      return this;
    }

    /**
     * The store, after checking the schema version.
     *
     * @throws IllegalStateException if the database does not hold schema version {@link PostgresSchema#CURRENT_VERSION},
   *     or is read-only (a standby, {@code default_transaction_read_only})
     * @throws UncheckedIOException if the database cannot be reached
     */
    public PostgresRolloutStore open() {
      return new PostgresRolloutStore(this);
    }
  }
}
