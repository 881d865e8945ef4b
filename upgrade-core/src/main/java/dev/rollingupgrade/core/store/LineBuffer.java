package dev.rollingupgrade.core.store;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte array that journal lines are written into and written out of, without copies. Not thread-safe. */
final class LineBuffer extends OutputStream {
  private byte[] bytes;
  private int size;

  LineBuffer(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, size, length);
    size += length;
  }

  /**
   * Makes room for {@code more} bytes and returns the array to write them into from {@link #size()};
   * {@link #advance} then counts what was written.
   */
  byte[] reserve(long more) {
    ensure(more);
    return bytes;
  }

  /** Counts {@code count} bytes written into the array {@link #reserve} returned. */
  void advance(int count) {
    size += count;
  }

  /** Sets the byte at {@code index}, which was written already. */
  void set(int index, byte b) {
    bytes[index] = b;
  }

  /** The array holding the bytes; valid up to {@link #size()}, until the next write. */
  byte[] bytes() {
    return bytes;
  }

  int size() {
    return size;
  }

  int capacity() {
    return bytes.length;
  }

  /** Forgets the bytes from {@code newSize} on. */
  void truncate(int newSize) {
    size = newSize;
  }

  private void ensure(long more) {
    if (size + more > bytes.length) {
      long wanted = Math.max(size + more, (long) bytes.length * 2);
      if (wanted > Integer.MAX_VALUE - 8) {
        if (size + more > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("more than 2 GiB of journal lines in one group");
        }
        wanted = Integer.MAX_VALUE - 8;
      }
      bytes = Arrays.copyOf(bytes, (int) wanted);
    }
  }
}
