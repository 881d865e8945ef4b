package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A run's side of the store: its lease, and its decisions appended as one group per side effect,
 * in sequence, under the lease's fencing token. Decisions that enable no side effect of their own
 * go through {@link RolloutStore#appendDeferred}: a durable store forces them with the next group
 * (group commit). Used on the run's executor only.
 */
final class RunJournal {
  private final RolloutStore store;
  private final String runId;
  private final String scaleSetName;
  private final Duration leaseDuration;
  private Lease lease;
  private long sequence;

  RunJournal(RolloutStore store, Lease lease, String scaleSetName, long nextSequence, Duration leaseDuration) {
    this.store = store;
    this.runId = lease.runId();
    this.lease = lease;
    this.scaleSetName = scaleSetName;
    this.sequence = nextSequence;
    this.leaseDuration = leaseDuration;
  }

  /**
   * Appends {@code events}, decided at {@code time}, as one group: durable when the stage
   * completes, or — when they enable no side effect ({@code deferred}) — durable with the next
   * group that is.
   */
  CompletionStage<Void> append(List<RunEvent> events, Instant time, boolean deferred) {
    List<RunRecord> records = new ArrayList<>(events.size());
    for (RunEvent e : events) {
      records.add(EventCodec.encode(runId, sequence + records.size(), time, scaleSetName, e));
    }
    CompletionStage<Void> durable;
    try {
      durable = deferred ? store.appendDeferred(lease, records) : store.append(lease, records);
    } catch (RuntimeException e) {
      durable = CompletableFuture.failedFuture(e);
    }
    sequence += records.size();
    return durable;
  }

  /** The last {@code count} records were not written: their sequence numbers are free again. */
  void rewind(int count) {
    sequence -= count;
  }

  /** Extends the lease. @throws dev.rollingupgrade.api.spi.LeaseLostException if another owner claimed the run */
  void renew() {
    lease = store.renew(lease, leaseDuration);
  }

  /** Gives the run up so another owner may claim it at once. */
  void release() {
    store.release(lease);
  }

  Duration leaseDuration() {
    return leaseDuration;
  }

  Lease lease() {
    return lease;
  }
}
