package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Durable record of runs (their decisions, in order) and of each scale set's upgrade history,
 * fit for several hosts sharing one store (DESIGN §11).
 *
 * <p><b>Ownership.</b> A run has one owner at a time. {@link #claim} grants a {@link Lease}
 * (owner, expiry by the store's clock, a fencing token that grows with every claim) when nobody
 * holds the run: it was never claimed, its lease expired, or it was released. The owner renews
 * the lease while it drives the run; {@link #append} and {@link #renew} with a lease whose token
 * is no longer the run's newest fail with {@link LeaseLostException}, so a replica that lost its
 * run can write nothing more.
 *
 * <p><b>Grouped appends.</b> {@link #append} takes the decisions that precede one side effect
 * together and makes them durable together (one force per group, not per record). It returns a
 * stage that completes once they are durable; a store may complete it later, from its own
 * thread, so the run's thread need not block on disk or network. The SDK makes no side effect
 * before the stage completed.
 *
 * <p><b>Group commit.</b> Decisions that enable no side effect of their own (a verdict, an
 * upgrade's return, a batch's end) go through {@link #appendDeferred}: a store may hold them
 * without making them durable at once, and makes them durable with the run's next
 * {@link #append} at the latest — which always comes before the run's next side effect. So
 * durability costs one force per side effect, not one per record. A host that stops may lose
 * deferred decisions made since the last {@link #append}; none of them enabled a side effect, and
 * a resumed run makes them again from the driver and health.
 *
 * <p>The record that ends a run ({@link RunRecord#isFinal()}) carries its history entry: the
 * store adds it to the scale set's history in the same write, so a finished run never lacks its
 * history. The SDK ships an in-memory and a file-journal store. Must be thread-safe.
 */
public interface RolloutStore {
  /**
   * Claims a run for {@code owner} for {@code duration}, if nobody holds it; a run with no
   * records yet can be claimed too (a new run claims its id before its first record).
   *
   * @return the lease, or empty if another owner holds a lease that has not expired
   */
  Optional<Lease> claim(String runId, String owner, Duration duration);

  /**
   * Extends a lease to {@code duration} from now (store clock).
   *
   * @return the renewed lease (same token)
   * @throws LeaseLostException if another owner has claimed the run since
   */
  Lease renew(Lease lease, Duration duration);

  /** Gives a run up (e.g. before a redeploy), so another owner may claim it at once. Does nothing if the lease was lost. */
  void release(Lease lease);

  /**
   * Appends decisions of the run {@code lease} names, in sequence and without gaps after the
   * records it already has, durably and together.
   *
   * @return a stage that completes once the records are durable; exceptionally with
   *     {@link LeaseLostException} if another owner has claimed the run since, or with the
   *     store's failure (the records are then not in the store)
   */
  CompletionStage<Void> append(Lease lease, List<RunRecord> records);

  /**
   * Appends decisions of the run {@code lease} names that enable no side effect of their own, like
   * {@link #append} (in sequence, under the lease, all or nothing), except that they need not be
   * durable when the stage completes: they are durable at the latest once the stage of a later
   * {@link #append} for the same run has completed. Until then a store may lose them if its
   * process or host stops (never records of a completed {@link #append}, nor some of a group
   * without the ones before them). The default makes them durable at once, by {@link #append}.
   *
   * @return a stage that completes once {@link #records} returns them; fails as {@link #append}'s
   */
  default CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
    return append(lease, records);
  }

  /** Every record of a run, in sequence order; empty for an unknown run. */
  List<RunRecord> records(String runId);

  /** Ids of runs that have records and no final record, oldest first, whoever holds them. */
  List<String> unfinishedRuns();

  /** A scale set's history, newest first, everything the store keeps (retention is applied by the reader). */
  List<UpgradeHistoryEntry> history(String scaleSetName);
}
