package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision of a run as a store keeps it, written before the side effect it enables (e.g.
 * "batch 3 starts with instances 7, 8, 9" before the driver is called). The store treats
 * {@code kind} and {@code attributes} as opaque text (the SDK's codec writes and reads them, with
 * a format version); it only needs {@link #outcome()}: the record that ends a run carries the
 * run's history entry, which the store adds to the scale set's history in the same write.
 * Attributes never hold secrets. Immutable and thread-safe.
 *
 * @param runId the run this record belongs to
 * @param sequence position in the run's journal, from 0, without gaps
 * @param time virtual or real time of the decision
 * @param kind what was decided, e.g. {@code BATCH_STARTED}
 * @param attributes details of the decision, in order
 * @param outcome present on the record that ends the run: its scale set and history entry
 */
public record RunRecord(String runId, long sequence, Instant time, String kind, Map<String, String> attributes,
    Optional<Outcome> outcome) {

  /**
   * What a finished run leaves behind: its entry in a scale set's upgrade history.
   *
   * @param scaleSetName the scale set whose history gets the entry
   * @param historyEntry the entry, in the shape of Azure's {@code osUpgradeHistory}
   */
  public record Outcome(String scaleSetName, UpgradeHistoryEntry historyEntry) {
    /** @throws NullPointerException if a field is null */
    public Outcome {
      Objects.requireNonNull(scaleSetName, "scaleSetName");
      Objects.requireNonNull(historyEntry, "historyEntry");
    }
  }

  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if a field is null
   * @throws IllegalArgumentException if {@code sequence} is negative
   */
  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be 0 or more, got " + sequence);
    }
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(attributes, "attributes")));
  }

  /** A record that does not end its run. */
  public static RunRecord of(String runId, long sequence, Instant time, String kind, Map<String, String> attributes) {
    return new RunRecord(runId, sequence, time, kind, attributes, Optional.empty());
  }

  /** Whether this record ends its run (it carries the run's history entry). */
  public boolean isFinal() {
    return outcome.isPresent();
  }
}
