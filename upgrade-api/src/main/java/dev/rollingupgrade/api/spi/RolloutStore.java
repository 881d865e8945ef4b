package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.util.List;

/**
 * Durable record of runs (their decisions, in order) and of each scale set's upgrade history.
 * {@link #append} returns only once the record is durable, so a run can be resumed after its
 * host dies. The SDK ships an in-memory and a file-journal store. Must be thread-safe.
 */
public interface RolloutStore {
  /** Stores one decision; returns once it is durable. */
  void append(RunRecord record);

  /** Every record of a run, in sequence order; empty for an unknown run. */
  List<RunRecord> records(String runId);

  /** Ids of runs whose last record is not {@link RunRecord#FINAL_KIND}, oldest first. */
  List<String> unfinishedRuns();

  /** Adds a finished run to a scale set's history. */
  void addHistory(String scaleSetName, UpgradeHistoryEntry entry);

  /** A scale set's history, newest first. */
  List<UpgradeHistoryEntry> history(String scaleSetName);
}
