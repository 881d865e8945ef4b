package dev.rollingupgrade.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a journal's appended bytes go: its file channel. A seam for tests, which put a channel
 * that fails half-way (a full disk) in between. Used under the store's lock only.
 */
interface WriteTarget {
  /** Writes bytes of {@code source} at {@code position}; returns how many (maybe fewer than remain). */
  int write(ByteBuffer source, long position) throws IOException;

  /** Forces what was written to the disk. */
  void force() throws IOException;

  /** Cuts the file to {@code size} bytes. */
  void truncate(long size) throws IOException;

  /** The channel itself. */
  static WriteTarget of(FileChannel channel) {
    return new WriteTarget() {
      @Override
      public int write(ByteBuffer source, long position) throws IOException {
        return channel.write(source, position);
      }

      @Override
      public void force() throws IOException {
        channel.force(false);
      }

      @Override
      public void truncate(long size) throws IOException {
        channel.truncate(size);
      }
    };
  }
}
