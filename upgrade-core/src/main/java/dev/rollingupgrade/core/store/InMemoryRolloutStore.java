package dev.rollingupgrade.core.store;

import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
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
  private final Map<String, List<RunRecord>> runs = new LinkedHashMap<>();
  private final Map<String, List<UpgradeHistoryEntry>> history = new LinkedHashMap<>();

  @Override
  public synchronized void append(RunRecord record) {
    Objects.requireNonNull(record, "record");
    List<RunRecord> records = runs.computeIfAbsent(record.runId(), k -> new ArrayList<>());
    if (record.sequence() != records.size()) {
      throw new IllegalArgumentException("run " + record.runId() + ": record " + record.sequence()
          + " out of sequence, expected " + records.size());
    }
    records.add(record);
  }

  /** The sequence number the next record of {@code runId} must have. */
  synchronized long nextSequence(String runId) {
    return runs.getOrDefault(runId, List.of()).size();
  }

  @Override
  public synchronized List<RunRecord> records(String runId) {
    return List.copyOf(runs.getOrDefault(runId, List.of()));
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
