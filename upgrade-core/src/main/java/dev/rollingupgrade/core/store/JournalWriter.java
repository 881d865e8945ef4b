package dev.rollingupgrade.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends groups of lines to a journal: each group written at the end of the last good one and
 * forced once — or, for a deferred group, held and written with the next group, or once 16 KiB
 * are held, and forced with the next forced group (group commit). A group whose write fails is
 * cut back off, so the journal never ends in a partial line that later groups would follow. If
 * even that fails, a force fails (what is on disk is then unknown), or the file under the
 * journal's path is no longer the one this writer has open (deleted, replaced), every later
 * append is refused with the reason. Used under the store's lock only.
 */
final class JournalWriter {
  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
  /** Deferred groups held at most before they are written: what a process that dies may lose. */
  static final int DEFERRED_BYTES = 16 * 1024;
  private static final int KEPT_BYTES = 1 << 20;

  private final Path path;
  private final Path shown;
  private final Function<FileChannel, WriteTarget> targets;
  private FileChannel channel;
  private WriteTarget target;
  private Object fileKey;
  private long end;
  private LineBuffer held = new LineBuffer(DEFERRED_BYTES); // deferred groups not written yet
  private boolean unforced; // deferred groups were written since the last force
  private String broken;

  /** Appends to {@code channel} (the file at {@code path}, {@code shown} in messages) after byte {@code end}. */
  JournalWriter(Path path, Path shown, FileChannel channel, long end, Function<FileChannel, WriteTarget> targets)
      throws IOException {
    this.path = path;
    this.shown = shown;
    this.targets = targets;
    use(channel, end);
  }

  private void use(FileChannel fresh, long size) throws IOException {
    this.channel = fresh;
    this.target = Objects.requireNonNull(targets.apply(fresh), "write target");
    this.end = size;
    this.fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  /** The channel appends go to. */
  FileChannel channel() {
    return channel;
  }

  /** The length of the journal's good lines: where the next group goes. */
  long end() {
    return end;
  }

  /**
   * Appends {@code bytes[0, length)}. With {@code force}, writes it after the deferred groups held
   * and forces all of them to disk; without, holds it to be written with the next group (or once
   * {@link #DEFERRED_BYTES} are held): a process that dies loses what is held, never a forced group.
   *
   * @throws IllegalStateException if the writer refuses appends (the file was deleted or replaced, a
   *     failed group could not be cut back, a force failed)
   * @throws UncheckedIOException if the write or the force failed: nothing of the group is left
   */
  void append(byte[] bytes, int length, boolean force) {
    if (broken != null) {
      throw new IllegalStateException(broken);
    }
    if (force) {
      checkIdentity(); // deferred groups go with this one: a deleted file is caught before any of them is written
    }
    int groupStart = held.size();
    held.write(bytes, 0, length);
    if (!force && held.size() < DEFERRED_BYTES) {
      return;
    }
    long start = end;
    try {
      ByteBuffer buffer = ByteBuffer.wrap(held.bytes(), 0, held.size());
      while (buffer.hasRemaining()) {
        target.write(buffer, start + buffer.position());
      }
    } catch (IOException e) {
      held.truncate(groupStart); // the deferred groups before it are written with the next group
      throw new UncheckedIOException("cannot write journal " + shown + ": " + e.getMessage() + "; " + cutBack(start), e);
    }
    end = start + held.size();
    held.truncate(0);
    if (held.capacity() > KEPT_BYTES) {
      held = new LineBuffer(DEFERRED_BYTES);
    }
    unforced = !force;
    if (force) {
      force(start + groupStart);
    }
  }

  /** Writes the deferred groups held and forces them to disk (the store closes). */
  void forceDeferred() {
    if (broken == null && held.size() > 0) {
      append(new byte[0], 0, true);
    } else if (broken == null && unforced) {
      force(end);
    }
  }

  /** Durable before the decision's side effect; a failed force leaves what is on disk unknown. */
  private void force(long groupStart) {
    try {
      target.force();
      unforced = false;
    } catch (IOException e) {
      end = groupStart;
      String cut = cutBack(groupStart);
      if (broken == null) {
        broken = "journal " + shown + ": forcing it to disk failed (" + e.getMessage() + "), so what the disk holds "
            + "of the groups written since the last force is unknown: the store takes no more appends. Close it and "
            + "open the journal again";
        LOG.error(broken, e);
      }
      throw new UncheckedIOException("cannot force journal " + shown + " to disk: " + e.getMessage() + "; " + cut, e);
    }
  }

  /** A failed group leaves nothing behind: later groups must follow a whole line. */
  private String cutBack(long start) {
    try {
      target.truncate(start);
      target.force();
      return "the records were not written (the journal was cut back to byte " + start + ")";
    } catch (IOException again) {
      broken = "journal " + shown + " may end in a part of a group whose write failed, and cutting it back to byte "
          + start + " failed too (" + again.getMessage() + "): the store takes no more appends. Close it and open "
          + "the journal again: the partial record is then cut off";
      LOG.error(broken, again);
      return "the records were not written, and the journal could not be cut back: the store takes no more appends";
    }
  }

  /** Refuses appends to a file that is no longer the journal's: they would be lost with it. */
  private void checkIdentity() {
    if (fileKey == null) {
      return; // no identity on this platform (Windows): an open file cannot be deleted there anyway
    }
    Object now;
    try {
      now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      now = null;
    } catch (IOException e) {
      return; // cannot tell: the write says more
    }
    if (!fileKey.equals(now)) {
      broken = "journal " + shown + (now == null ? " was deleted" : " was replaced by another file") + " while this "
          + "store had it open: records appended now would be lost with the old file, so the store takes no more "
          + "appends and its runs stop. Close the store; put the journal back if you have it, then open it again to "
          + "resume the runs";
      LOG.error(broken);
      throw new IllegalStateException(broken);
    }
  }

  /** After a compaction replaced the file: appends go to {@code fresh}, of {@code size} bytes. */
  void replaced(FileChannel fresh, long size) throws IOException {
    FileChannel old = channel;
    use(fresh, size);
    close(old);
  }

  void close() {
    close(channel);
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing a journal channel failed", e);
    }
  }
}
