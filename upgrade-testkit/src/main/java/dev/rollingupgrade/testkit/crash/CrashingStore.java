package dev.rollingupgrade.testkit.crash;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A {@link RolloutStore} that makes its host "crash" at a chosen record: record number
 * {@code crashAt} (counting from 1 over all runs) is either never written ({@link #before}: the
 * host died just before the write) or written and then the crash happens ({@link #after}: the
 * decision is durable, its side effect never happened). The crash is a {@link SimulatedCrash}
 * thrown from {@code append}; everything else is delegated. Once crashed, it passes writes
 * through, so the resumed run can use the same store. Thread-safe.
 */
public final class CrashingStore extends ForwardingRolloutStore {
  private final long crashAt;
  private final boolean writeFirst;
  private long appended;
  private boolean crashed;

  private CrashingStore(RolloutStore delegate, long crashAt, boolean writeFirst) {
    super(delegate);
    if (crashAt < 1) {
      throw new IllegalArgumentException("crashAt counts records from 1, got " + crashAt);
    }
    this.crashAt = crashAt;
    this.writeFirst = writeFirst;
  }

  /** Crashes instead of writing record number {@code crashAt}. */
  public static CrashingStore before(RolloutStore delegate, long crashAt) {
    return new CrashingStore(delegate, crashAt, false);
  }

  /** Writes record number {@code crashAt}, then crashes. */
  public static CrashingStore after(RolloutStore delegate, long crashAt) {
    return new CrashingStore(delegate, crashAt, true);
  }

  /** Whether the crash has happened. */
  public synchronized boolean crashed() {
    return crashed;
  }

  /**
   * Appends a group as a real store does, all or nothing: the crash point falling in this group
   * means the whole group is ({@link #after}) or is not ({@link #before}) written.
   */
  @Override
  public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    synchronized (this) {
      if (!crashed && appended + records.size() >= crashAt) {
        crashed = true;
        appended += records.size();
        if (writeFirst) {
          delegate().append(lease, records).toCompletableFuture().join();
        }
        throw new SimulatedCrash((writeFirst ? "after" : "before") + " record " + crashAt + " ("
            + records.get(records.size() - 1).kind() + ")");
      }
      appended += records.size();
    }
    return delegate().append(lease, records);
  }

  /** Like {@link #append}: a deferred record is a crash point too. */
  @Override
  public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
    return append(lease, records);
  }
}
