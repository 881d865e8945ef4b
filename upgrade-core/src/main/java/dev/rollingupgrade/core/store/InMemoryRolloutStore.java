package dev.rollingupgrade.core.store;

import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RolloutStore} in memory: nothing survives the process, so runs cannot be resumed after
 * a crash. The default when no store is given; fine for tests and short-lived tools. Checks that
 * each run's records come in sequence without gaps. Thread-safe.
 */
public final class InMemoryRolloutStore implements RolloutStore {
  private final Map<String, List<Entry>> runs = new LinkedHashMap<>();
  private final Map<String, List<UpgradeHistoryEntry>> history = new LinkedHashMap<>();

  /** A record kept small: a run journals one per instance, and fleets may hold a million. */
  private record Entry(Instant time, String kind, String key, String value, String[] more) {
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
      return new Entry(r.time(), r.kind(), key, value, more);
    }

    RunRecord toRecord(String runId, long sequence) {
      Map<String, String> attributes = new LinkedHashMap<>();
      if (key != null) {
        attributes.put(key, value);
      }
      for (int k = 0; k + 1 < more.length; k += 2) {
        attributes.put(more[k], more[k + 1]);
      }
      return RunRecord.builder().runId(runId).sequence(sequence).time(time).kind(kind).attributes(attributes).build();
    }
  }

  @Override
  public synchronized void append(RunRecord record) {
    Objects.requireNonNull(record, "record");
    List<Entry> records = runs.computeIfAbsent(record.runId(), k -> new ArrayList<>());
    if (record.sequence() != records.size()) {
      throw new IllegalArgumentException("run " + record.runId() + ": record " + record.sequence()
          + " out of sequence, expected " + records.size());
    }
    records.add(Entry.of(record));
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
      if (records.isEmpty() || !records.get(records.size() - 1).kind().equals(RunRecord.FINAL_KIND)) {
        unfinished.add(id);
      }
    });
    return unfinished;
  }

  @Override
  public synchronized void addHistory(String scaleSetName, UpgradeHistoryEntry entry) {
    history.computeIfAbsent(scaleSetName, k -> new ArrayList<>()).add(0, Objects.requireNonNull(entry, "entry"));
  }

  @Override
  public synchronized List<UpgradeHistoryEntry> history(String scaleSetName) {
    return List.copyOf(history.getOrDefault(scaleSetName, List.of()));
  }
}
