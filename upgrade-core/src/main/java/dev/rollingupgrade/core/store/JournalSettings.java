package dev.rollingupgrade.core.store;

import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a {@link FileRolloutStore} reads, writes and compacts its journal. The defaults suit
 * production; tests shrink the sizes and put a failing channel in between.
 *
 * @param readBufferBytes bytes read from the file at a time when it is opened (lines may be longer)
 * @param maxLineBytes the longest line (record) written, and so the longest read: a record that
 *     would be longer is refused when it is appended
 * @param compactAtBytes the records of finished runs that make a compaction worth it: on open
 *     when they reach this, while open when they also outweigh everything else
 * @param writeTarget what appends go through, given the journal's channel
 */
record JournalSettings(int readBufferBytes, int maxLineBytes, long compactAtBytes,
    Function<FileChannel, WriteTarget> writeTarget) {
  /** 1 MiB reads, lines up to 512 MiB, compaction from 64 MiB of finished runs, the channel itself. */
  static final JournalSettings DEFAULTS = new JournalSettings(1 << 20, 512 << 20, 64L << 20, WriteTarget::of);

  JournalSettings {
    if (readBufferBytes < 1 || maxLineBytes < 64 || compactAtBytes < 1) {
      throw new IllegalArgumentException("journal settings out of range: read buffer " + readBufferBytes
          + ", max line " + maxLineBytes + ", compact at " + compactAtBytes);
    }
    Objects.requireNonNull(writeTarget, "writeTarget");
  }

  JournalSettings withReadBufferBytes(int bytes) {
    return new JournalSettings(bytes, maxLineBytes, compactAtBytes, writeTarget);
  }

  JournalSettings withMaxLineBytes(int bytes) {
    return new JournalSettings(readBufferBytes, bytes, compactAtBytes, writeTarget);
  }

  JournalSettings withCompactAtBytes(long bytes) {
    return new JournalSettings(readBufferBytes, maxLineBytes, bytes, writeTarget);
  }

  JournalSettings withWriteTarget(Function<FileChannel, WriteTarget> target) {
    return new JournalSettings(readBufferBytes, maxLineBytes, compactAtBytes, target);
  }
}
