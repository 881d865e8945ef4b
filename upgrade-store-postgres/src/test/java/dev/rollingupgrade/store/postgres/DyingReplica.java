package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.testkit.crash.ForwardingRolloutStore;
import dev.rollingupgrade.testkit.crash.SimulatedCrash;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A replica's store that dies with its replica just before journal record number {@code dieAt}
 * (from 1, deferred ones included): that write and every later call fail with
 * {@link SimulatedCrash} (later ones as a dead process's would), so the replica neither writes, renews nor
 * releases again; what its
 * store held in memory (deferred records) is lost with it.
 */
final class DyingReplica extends ForwardingRolloutStore {
  private final long dieAt;
  private long records;
  private boolean dead;

  DyingReplica(RolloutStore store, long dieAt) {
    super(store);
    this.dieAt = dieAt;
  }

  synchronized boolean dead() {
    return dead;
  }

  private synchronized void alive(int more) {
    if (dead) {
      throw new IllegalStateException("the replica is dead"); // its process is gone: nothing reaches the database
    }
    if (records + more >= dieAt) {
      dead = true;
      throw new SimulatedCrash("the replica died at record " + dieAt);
    }
    records += more;
  }

  @Override
  public Optional<Lease> claim(String runId, String owner, Duration duration) {
    alive(0);
    return super.claim(runId, owner, duration);
  }

  @Override
  public Lease renew(Lease lease, Duration duration) {
    alive(0);
    return super.renew(lease, duration);
  }

  @Override
  public void release(Lease lease) {
    alive(0);
    super.release(lease);
  }

  @Override
  public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    alive(records.size());
    return super.append(lease, records);
  }

  @Override
  public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
    alive(records.size());
    return super.appendDeferred(lease, records);
  }
}
