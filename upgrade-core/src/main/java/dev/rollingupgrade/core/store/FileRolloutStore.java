package dev.rollingupgrade.core.store;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link RolloutStore} in one append-only journal file: one line per record,
 * {@code <crc32 hex> <json>}; each group given to {@link #append} is written and forced to disk
 * ({@code FileChannel.force}) once, before its stage completes, together with the groups given
 * to {@link #appendDeferred} since the last force (held, then written with it: group commit). A
 * run's final record carries its history entry. Holds no secrets: runs journal none.
 *
 * <p><b>One owner per file.</b> A second store on the journal — in this process (by its real
 * path, whatever name it is given) or in another (by the OS lock on {@code <journal>.lock}, which
 * stays next to it) — fails at once, whatever else the process does with the journal file. The
 * owner proves that no other process drives these runs, so leases live in memory (a lease of a
 * process that died with the lock is void) and expire by the clock given to {@link #open(Path, Clock)}.
 *
 * <p><b>Faults.</b> Opening reads the file line by line (a journal of any size opens in the memory
 * of what it keeps). A last line without its newline is a write cut short by a crash, never
 * acknowledged: it is ignored, reported by {@link #tornTail()} and cut off. A complete line that is
 * not a good record is corruption of a record that was on disk: the open fails naming its line
 * and byte, never drops it. A group whose write fails is cut back off (or, if that fails too, the
 * store takes no more appends); a journal deleted or replaced under an open store fails every
 * later append; a record longer than a line may be (512 MiB, what the reader reads back) is
 * refused. Each failure fails {@link #append}'s stage with the reason, so the run is told.
 *
 * <p><b>Compaction.</b> The records of a finished run go once nothing unfinished needs them (a
 * member run of an unfinished rollout is kept); its history entry stays, as a history line. The
 * journal is rewritten (atomically) when opened if finished runs' records take 64 MiB or more,
 * and while open when they take that much and outweigh the rest; until then they stay readable
 * through {@link #records}. Thread-safe; close it to release the journal.
 */
public final class FileRolloutStore implements RolloutStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileRolloutStore.class);
  private static final int KEPT_BUFFER_BYTES = 1 << 20;

  private final Path path;
  private final JournalSettings settings;
  private final JournalLock lock;
  private final JournalCodec codec;
  private final InMemoryRolloutStore index;
  private final Compactor compactor = new Compactor();
  /** Runs that ended and whose records were (or are about to be) compacted away: their ids stay taken. */
  private final Set<String> compactedRuns = new HashSet<>(); // lookups only
  private final TornTail torn;
  private final JournalWriter writer;
  private LineBuffer lines = new LineBuffer(4096);
  private boolean closed;

  private FileRolloutStore(Path path, JournalLock lock, FileChannel channel, Clock clock, JournalSettings settings)
      throws IOException {
    this.path = path;
    this.settings = settings;
    this.lock = lock;
    this.codec = new JournalCodec(settings.maxLineBytes());
    this.index = new InMemoryRolloutStore(clock);
    JournalReader.End end = JournalReader.scan(path, channel, channel.size(), settings.readBufferBytes(),
        settings.maxLineBytes(), (bytes, from, to, offset, number) -> read(bytes, from, to));
    this.torn = end.torn();
    if (torn != null) {
      LOG.warn("journal {}: ignoring a torn last record at byte {} ({} bytes, {})", path, torn.offset(),
          torn.length(), torn.problem());
      channel.truncate(end.goodBytes());
      channel.force(false);
    }
    this.writer = new JournalWriter(lock.journal(), path, channel, end.goodBytes(), settings.writeTarget());
    if (compactor.worthOnOpen(settings.compactAtBytes()) && !compact()) {
      // finished runs were let go while reading, to open in bounded memory: without the rewrite
      // the file still holds them, and their ids could be taken again
      throw new UncheckedIOException(new IOException("journal " + path + " needs compacting to open and "
          + "compacting failed (see the log): free disk space and open it again"));
    }
  }

  /**
   * Opens (or creates) the journal at {@code path}, recovering what it holds.
   *
   * @throws IllegalStateException if another store has the journal open, or it is corrupt
   * @throws UncheckedIOException if the file cannot be read or written
   */
  public static FileRolloutStore open(Path path) {
    return open(path, SystemScheduler.systemClock());
  }

  /**
   * Opens (or creates) the journal at {@code path}; leases expire by {@code clock}.
   *
   * @throws IllegalStateException if another store has the journal open, or it is corrupt
   * @throws UncheckedIOException if the file cannot be read or written
   */
  public static FileRolloutStore open(Path path, Clock clock) {
    return open(path, clock, JournalSettings.DEFAULTS);
  }

  /** {@link #open(Path, Clock)} with other sizes or a failing channel, for tests. */
  static FileRolloutStore open(Path path, Clock clock, JournalSettings settings) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(clock, "clock");
    JournalLock lock;
    try {
      lock = JournalLock.acquire(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open journal " + path + ": " + e.getMessage(), e);
    }
    FileChannel channel = null;
    try {
      Compactor.clean(lock.journal());
      channel = FileChannel.open(lock.journal(), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      lock.lockJournal(path, channel);
      return new FileRolloutStore(path, lock, channel, clock, settings);
    } catch (IOException e) {
      closeQuietly(channel);
      lock.release();
      throw new UncheckedIOException("cannot open journal " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(channel);
      lock.release();
      throw e;
    }
  }

  /** Applies one complete line of the journal being opened. */
  private void read(byte[] bytes, int from, int to) throws JournalCodec.BadLine {
    JournalCodec.Line line = codec.read(bytes, from, to);
    long length = to - from + 1L;
    if (line.record() == null) {
      index.addLegacyHistory(line.scaleSet(), line.entry());
      if (line.endedRun() != null) {
        compactedRuns.add(line.endedRun());
      }
      compactor.kept(length);
      return;
    }
    RunRecord record = line.record();
    if (!compactor.forgotten(record.runId())) {
      try {
        index.add(record.runId(), List.of(record));
      } catch (IllegalArgumentException e) {
        throw new JournalCodec.BadLine("unreadable record: " + e.getMessage());
      }
    }
    compactor.recorded(record, length);
    if (record.isFinal() && compactor.worthOnOpen(settings.compactAtBytes())) {
      // the journal will be compacted once read: what it drops need not be kept meanwhile
      for (String run : compactor.takeDroppable()) {
        index.forget(run);
        compactedRuns.add(run);
      }
    }
  }

  /** The journal file. */
  public Path path() {
    return path;
  }

  /** What recovery cut off at the end of the journal, if anything. */
  public Optional<TornTail> tornTail() {
    return Optional.ofNullable(torn);
  }

  @Override
  public synchronized Optional<Lease> claim(String runId, String owner, Duration duration) {
    return index.claim(runId, owner, duration);
  }

  @Override
  public synchronized Lease renew(Lease lease, Duration duration) {
    return index.renew(lease, duration);
  }

  @Override
  public synchronized void release(Lease lease) {
    index.release(lease);
  }

  /** Writes the group as consecutive lines with one force (covering the deferred groups before it), then indexes it. */
  @Override
  public synchronized CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    return write(lease, records, true);
  }

  /**
   * Indexes the group and holds its lines, to be written and forced with the next {@link #append}
   * (group commit) — or written once 16 KiB are held. A process that dies loses at most those
   * held lines; a host that loses power, what was written since the last force.
   */
  @Override
  public synchronized CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
    return write(lease, records, false);
  }

  private CompletionStage<Void> write(Lease lease, List<RunRecord> records, boolean force) {
    try {
      if (closed) {
        throw new IllegalStateException("journal " + path + " is closed");
      }
      index.checkLease(lease);
      if (compactedRuns.contains(lease.runId())) {
        throw new IllegalArgumentException("run " + lease.runId() + " already ran to its end in journal " + path
            + " (its records were compacted away; its history stays): give the new run another id");
      }
      long expected = index.nextSequence(lease.runId());
      lines.truncate(0);
      long[] lengths = new long[records.size()];
      boolean ends = false;
      for (int i = 0; i < records.size(); i++) {
        RunRecord record = records.get(i);
        if (!record.runId().equals(lease.runId()) || record.sequence() != expected++) {
          throw new IllegalArgumentException("run " + lease.runId() + ": record " + record.runId() + "/"
              + record.sequence() + " out of sequence, expected " + (expected - 1));
        }
        lengths[i] = codec.write(record, lines);
        ends |= record.isFinal();
      }
      writer.append(lines.bytes(), lines.size(), force || ends);
      index.add(lease.runId(), records);
      for (int i = 0; i < records.size(); i++) {
        compactor.recorded(records.get(i), lengths[i]);
      }
      if (ends && compactor.worthWhileOpen(settings.compactAtBytes())) {
        compact(); // the group is durable already: a failed compaction fails nothing
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      if (lines.capacity() > KEPT_BUFFER_BYTES) {
        lines = new LineBuffer(4096); // a huge plan passed: do not keep its buffer
      }
    }
  }

  /** Rewrites the journal without the runs nothing needs any more; their history stays. */
  private boolean compact() {
    long before = writer.end();
    FileChannel fresh = null;
    try {
      List<String> dropped = compactor.droppableRuns();
      long size = compactor.rewrite(lock.journal(), writer.channel(), before, codec, settings.readBufferBytes());
      fresh = FileChannel.open(lock.journal(), StandardOpenOption.READ, StandardOpenOption.WRITE);
      lock.lockJournal(path, fresh);
      writer.replaced(fresh, size);
      dropped.forEach(index::forget);
      compactedRuns.addAll(dropped);
      LOG.info("journal {} compacted from {} to {} bytes: the records of finished runs went, their history stayed",
          path, before, size);
      return true;
    } catch (IOException | RuntimeException e) {
      closeQuietly(fresh);
      compactor.postpone();
      LOG.warn("journal {}: compaction failed ({}); it keeps the records of finished runs for now", path,
          e.getMessage(), e);
      return false;
    }
  }

  @Override
  public synchronized List<RunRecord> records(String runId) {
    return index.records(runId);
  }

  @Override
  public synchronized List<String> unfinishedRuns() {
    return index.unfinishedRuns();
  }

  @Override
  public synchronized List<UpgradeHistoryEntry> history(String scaleSetName) {
    return index.history(scaleSetName);
  }

  /** Closes the file and releases the journal for another store. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.forceDeferred();
    } catch (RuntimeException e) {
      LOG.warn("journal {}: the deferred records could not be forced to disk on close", path, e);
    }
    writer.close();
    lock.release();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing a journal channel failed", e);
      }
    }
  }

  /**
   * The end of a journal that recovery ignored: a record whose write never completed.
   *
   * @param offset byte offset where the torn record starts
   * @param length its length in bytes
   * @param problem why it was not read: {@code cut short}
   */
  public record TornTail(long offset, long length, String problem) {}
}
