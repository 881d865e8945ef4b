package dev.rollingupgrade.core.store;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RolloutStore} in memory: nothing survives the process, so runs cannot be resumed after
 * a crash. The default when no store is given; fine for tests and short-lived tools. Leases
 * expire by the clock it is given (the system clock by default; the testkit passes its virtual
 * clock). Checks that each run's records come in sequence without gaps. Appends complete at once,
 * deferred ones ({@link #appendDeferred}) alike. Thread-safe.
 */
public final class InMemoryRolloutStore implements RolloutStore {
  private final Map<String, List<Entry>> runs = new LinkedHashMap<>();
  private final Map<String, List<UpgradeHistoryEntry>> history = new LinkedHashMap<>();
  private final LeaseTable leases;

  /** A store whose leases expire by the system clock. */
  public InMemoryRolloutStore() {
    this(SystemScheduler.systemClock());
  }

  /** A store whose leases expire by {@code clock}. */
  public InMemoryRolloutStore(Clock clock) {
    this.leases = new LeaseTable(Objects.requireNonNull(clock, "clock"));
  }

  /** A record kept small: a run journals one per instance, and fleets may hold a million. */
  private record Entry(Instant time, String kind, String key, String value, String[] more,
      RunRecord.Outcome outcome) {
    private static final String[] NONE = new String[0];

    static Entry of(RunRecord r) {
      String key = null;
      String value = null;
      String[] more = NONE;
      int k = -2;
      for (Map.Entry<String, String> e : r.attributes().entrySet()) {
        if (k == -2) {
          key = e.getKey();
          value = e.getValue();
          k = 0;
          more = new String[(r.attributes().size() - 1) * 2];
        } else {
          more[k++] = e.getKey();
          more[k++] = e.getValue();
        }
      }
      return new Entry(r.time(), r.kind(), key, value, more, r.outcome().orElse(null));
    }

    RunRecord toRecord(String runId, long sequence) {
      Map<String, String> attributes = new LinkedHashMap<>();
      if (key != null) {
        attributes.put(key, value);
      }
      for (int k = 0; k + 1 < more.length; k += 2) {
        attributes.put(more[k], more[k + 1]);
      }
      return new RunRecord(runId, sequence, time, kind, attributes, Optional.ofNullable(outcome));
    }
  }

  @Override
  public synchronized Optional<Lease> claim(String runId, String owner, Duration duration) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(owner, "owner");
    return leases.claim(runId, owner, Objects.requireNonNull(duration, "duration"));
  }

  @Override
  public synchronized Lease renew(Lease lease, Duration duration) {
    return leases.renew(Objects.requireNonNull(lease, "lease"), Objects.requireNonNull(duration, "duration"));
  }

  @Override
  public synchronized void release(Lease lease) {
    leases.release(Objects.requireNonNull(lease, "lease"));
  }

  @Override
  public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    try {
      synchronized (this) {
        leases.check(lease);
        add(lease.runId(), records);
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Checks the group (same run, in sequence) and adds it, with the history entry of a final record. */
  synchronized void add(String runId, List<RunRecord> group) {
    List<Entry> records = runs.getOrDefault(runId, List.of());
    long expected = records.size();
    for (RunRecord r : group) {
      if (!r.runId().equals(runId)) {
        throw new IllegalArgumentException("a record of run " + r.runId() + " in a group of run " + runId);
      }
      if (r.sequence() != expected++) {
        throw new IllegalArgumentException("run " + runId + ": record " + r.sequence() + " out of sequence, expected "
            + (expected - 1));
      }
    }
    List<Entry> target = runs.computeIfAbsent(runId, k -> new ArrayList<>());
    for (RunRecord r : group) {
      target.add(Entry.of(r));
      r.outcome().ifPresent(o -> history.computeIfAbsent(o.scaleSetName(), k -> new ArrayList<>()).add(0, o.historyEntry()));
    }
  }

  /** Refuses a lease that is not the run's newest. */
  synchronized void checkLease(Lease lease) {
    leases.check(lease);
  }

  /** A history entry read from a journal written before history rode on the final record. */
  synchronized void addLegacyHistory(String scaleSetName, UpgradeHistoryEntry entry) {
    history.computeIfAbsent(scaleSetName, k -> new ArrayList<>()).add(0, entry);
  }

  /** Drops the records of {@code runId} (a finished run compacted away); its history stays. */
  synchronized void forget(String runId) {
    runs.remove(runId);
  }

  /** The sequence number the next record of {@code runId} must have. */
  synchronized long nextSequence(String runId) {
    return runs.getOrDefault(runId, List.of()).size();
  }

  @Override
  public synchronized List<RunRecord> records(String runId) {
    List<Entry> entries = runs.getOrDefault(runId, List.of());
    List<RunRecord> records = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      records.add(entries.get(i).toRecord(runId, i));
    }
    return records;
  }

  @Override
  public synchronized List<String> unfinishedRuns() {
    List<String> unfinished = new ArrayList<>();
    runs.forEach((id, records) -> {
      if (!records.isEmpty() && records.get(records.size() - 1).outcome() == null) {
        unfinished.add(id);
      }
    });
    return unfinished;
  }

  @Override
  public synchronized List<UpgradeHistoryEntry> history(String scaleSetName) {
    return List.copyOf(history.getOrDefault(scaleSetName, List.of()));
  }
}
