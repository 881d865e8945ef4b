package dev.rollingupgrade.core.store;

import dev.rollingupgrade.core.store.FileRolloutStore.TornTail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a journal line by line through a buffer of a fixed size, so a journal of any size opens in
 * the memory of its longest line (plus what the caller keeps). Tells a torn tail — a last line
 * with no newline: a write cut short by a crash, never acknowledged — from corruption: a complete
 * line (it ends with a newline) that is not a good record was on disk, and refusing it is the only
 * safe answer. Not thread-safe.
 */
final class JournalReader {
  /** Receives each complete line. */
  interface Lines {
    /**
     * Line number {@code number} (from 1), {@code bytes[from, to)} without its newline, starting
     * at byte {@code offset} of the file.
     *
     * @throws JournalCodec.BadLine if the line is not a good record
     */
    void line(byte[] bytes, int from, int to, long offset, long number) throws JournalCodec.BadLine;
  }

  /**
   * Where reading stopped.
   *
   * @param goodBytes the length of the journal's complete lines
   * @param torn the incomplete last line, or null
   */
  record End(long goodBytes, TornTail torn) {}

  private JournalReader() {}

  /**
   * Reads the first {@code size} bytes of {@code channel}; lines longer than {@code maxLineBytes}
   * are never held in memory.
   *
   * @throws IllegalStateException naming the line and byte if a complete line is not a good record
   */
  static End scan(Path path, FileChannel channel, long size, int bufferBytes, int maxLineBytes, Lines lines)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(bufferBytes);
    byte[] chunk = buffer.array();
    byte[] pending = new byte[Math.min(bufferBytes, 8192)];
    int pendingLength = 0;
    boolean overlong = false;
    long offset = 0; // of chunk[0] in the file
    long lineStart = 0;
    long number = 0;
    while (offset < size) {
      buffer.clear();
      buffer.limit((int) Math.min(bufferBytes, size - offset));
      int n = channel.read(buffer, offset);
      if (n <= 0) {
        break; // the file shrank under us: what is left is read as a torn tail
      }
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] != '\n') {
          continue;
        }
        number++;
        if (pendingLength == 0 && !overlong) {
          deliver(path, lines, chunk, from, i, lineStart, number);
        } else {
          if (overlong || pendingLength + (i - from) > maxLineBytes) {
            throw corrupt(path, number, lineStart, "a line of " + (offset + i - lineStart) + " bytes, longer than any "
                + "record the store writes (" + maxLineBytes + ")");
          }
          pending = append(pending, pendingLength, chunk, from, i - from);
          pendingLength += i - from;
          deliver(path, lines, pending, 0, pendingLength, lineStart, number);
          pendingLength = 0;
        }
        lineStart = offset + i + 1;
        from = i + 1;
      }
      if (!overlong && pendingLength + (n - from) > maxLineBytes) {
        overlong = true; // only its length matters now: the line is torn or corrupt, never read
        pending = new byte[0];
        pendingLength = 0;
      } else if (!overlong) {
        pending = append(pending, pendingLength, chunk, from, n - from);
        pendingLength += n - from;
      }
      offset += n;
    }
    TornTail torn = lineStart < offset ? new TornTail(lineStart, offset - lineStart, "cut short") : null;
    return new End(lineStart, torn);
  }

  private static void deliver(Path path, Lines lines, byte[] bytes, int from, int to, long offset, long number) {
    try {
      lines.line(bytes, from, to, offset, number);
    } catch (JournalCodec.BadLine e) {
      throw corrupt(path, number, offset, e.getMessage());
    }
  }

  private static byte[] append(byte[] pending, int length, byte[] source, int from, int count) {
    if (length + count > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(length + count, pending.length * 2));
    }
    System.arraycopy(source, from, pending, length, count);
    return pending;
  }

  private static IllegalStateException corrupt(Path path, long number, long offset, String problem) {
    return new IllegalStateException("journal " + path + " is corrupt at line " + number + " (byte " + offset + "): "
        + problem + ". The line is complete (it ends with a newline), so this is not a torn write: the record was on "
        + "disk and the action it enabled may have happened; dropping it could repeat that action. Restore the "
        + "journal from a backup; or, if you know that this record's action never happened, cut the journal at byte "
        + offset + " (e.g. truncate -s " + offset + " <journal>; the records after it go too) and open it again");
  }
}
