package dev.rollingupgrade.testkit.crash;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RolloutStore} that passes every call to another one: extend it and override the calls a
 * test wants to watch or break (a store that fails at a chosen record, counts forces, ...), as
 * {@link CrashingStore} does. Thread-safe if the delegate is and the overrides are.
 */
public abstract class ForwardingRolloutStore implements RolloutStore {
  private final RolloutStore delegate;

  /**
   * Forwards to {@code delegate}.
   *
   * @throws NullPointerException if {@code delegate} is null
   */
  protected ForwardingRolloutStore(RolloutStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store every call goes to (for a test: what was really written). */
  public final RolloutStore delegate() {
    return delegate;
  }

  @Override
  public Optional<Lease> claim(String runId, String owner, Duration duration) {
    return delegate.claim(runId, owner, duration);
  }

  @Override
  public Lease renew(Lease lease, Duration duration) {
    return delegate.renew(lease, duration);
  }

  @Override
  public void release(Lease lease) {
    delegate.release(lease);
  }

  @Override
  public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    return delegate.append(lease, records);
  }

  @Override
  public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
    return delegate.appendDeferred(lease, records);
  }

  @Override
  public List<RunRecord> records(String runId) {
    return delegate.records(runId);
  }

  @Override
  public List<String> unfinishedRuns() {
    return delegate.unfinishedRuns();
  }

  @Override
  public List<UpgradeHistoryEntry> history(String scaleSetName) {
    return delegate.history(scaleSetName);
  }
}
