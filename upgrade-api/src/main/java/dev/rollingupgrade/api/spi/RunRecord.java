package dev.rollingupgrade.api.spi;

import java.time.Instant;
import java.util.Map;
import org.immutables.value.Value;

/**
 * One decision of a run, written to the {@link RolloutStore} before the side effect it enables
 * (e.g. "batch 3 starts with instances 7, 8, 9" before the driver is called). Attributes hold
 * plain text, never secrets. Immutable and thread-safe.
 */
@Value.Immutable
public interface RunRecord {
  /** The kind of the record that ends a run; a run whose last record has another kind is unfinished. */
  String FINAL_KIND = "RUN_FINISHED";

  /** A builder; every field but {@code attributes} is required. */
  static ImmutableRunRecord.Builder builder() {
    return ImmutableRunRecord.builder();
  }

  /** The run this record belongs to. */
  String runId();

  /** Position in the run's journal, from 0, without gaps. */
  long sequence();

  /** Virtual or real time of the decision. */
  Instant time();

  /** What was decided, e.g. {@code BATCH_STARTED}. */
  String kind();

  /** Details of the decision. */
  Map<String, String> attributes();
}
