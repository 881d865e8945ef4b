package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.api.spi.LeaseLostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A rollout's journal and lease: records in sequence under the lease, the lease renewed while it runs. */
final class RolloutWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutWriter.class);

  private final RolloutBuilder cfg;
  private final SerialExecutor executor;
  private final String rolloutId;
  private final Consumer<RuntimeException> onFailure;
  private Lease lease;
  private long nextSequence;
  private Cancellable renewal;
  private boolean stopped;

  RolloutWriter(RolloutBuilder cfg, SerialExecutor executor, String rolloutId, Lease lease, long nextSequence,
      Consumer<RuntimeException> onFailure) {
    this.cfg = cfg;
    this.executor = executor;
    this.rolloutId = rolloutId;
    this.lease = lease;
    this.nextSequence = nextSequence;
    this.onFailure = onFailure;
  }

  /** Makes one decision durable, then runs {@code then} on the rollout's executor. */
  void append(String kind, Map<String, String> attributes, Runnable then) {
    write(List.of(RunRecord.of(rolloutId, nextSequence++, executor.now(), kind, attributes)), then);
  }

  /** The final record: it carries the rollout's history entry. */
  void appendFinal(Instant time, String kind, Map<String, String> attributes, RunRecord.Outcome outcome,
      Runnable then) {
    write(List.of(new RunRecord(rolloutId, nextSequence++, time, kind, attributes, java.util.Optional.of(outcome))),
        then);
  }

  private void write(List<RunRecord> records, Runnable then) {
    CompletionStage<Void> durable;
    try {
      durable = cfg.store.append(lease, records);
    } catch (RuntimeException e) {
      durable = CompletableFuture.failedFuture(e);
    }
    // a store that answers at once is applied in this state change, so an Error in 'then' is not swallowed by a future
    if (durable instanceof CompletableFuture<Void> done && done.isDone()) {
      applied(done.handle((ok, failure) -> failure).join(), then);
      return;
    }
    executor.hold(); // nothing else acts on the rollout before its decision is durable
    durable.whenComplete((ok, failure) -> executor.release(() -> applied(failure, then)));
  }

  private void applied(Throwable failure, Runnable then) {
    if (failure != null) {
      onFailure.accept(new IllegalStateException("the store refused a record of rollout " + rolloutId + ": "
          + SerialExecutor.unwrap(failure).getMessage(), SerialExecutor.unwrap(failure)));
    } else {
      then.run();
    }
  }

  /**
   * Renews the lease every third of its duration until {@link #stop}. A renewal the store refuses
   * is tried again at the next third while the lease lasts (one hiccup must not orphan the runs in
   * flight); a fenced lease, or one that expired meanwhile, ends the rollout on this host.
   */
  void keepLease() {
    renewal = executor.schedule(cfg.options.leaseDuration().dividedBy(3), () -> {
      if (stopped) {
        return;
      }
      try {
        lease = cfg.store.renew(lease, cfg.options.leaseDuration());
      } catch (LeaseLostException e) {
        onFailure.accept(e);
        return;
      } catch (RuntimeException e) {
        if (!executor.now().isBefore(lease.expiresAt())) {
          onFailure.accept(new IllegalStateException("could not renew the lease of rollout " + rolloutId
              + " before it expired: another owner may drive it now", e));
          return;
        }
        LOG.warn("could not renew the lease of rollout {}; trying again: {}", rolloutId, e.toString());
      }
      keepLease();
    });
  }

  /** Stops renewing; with {@code release}, gives the rollout up in the store too. */
  void stop(boolean release) {
    stopped = true;
    if (renewal != null) {
      renewal.cancel();
    }
    if (release) {
      cfg.store.release(lease);
    }
  }
}
