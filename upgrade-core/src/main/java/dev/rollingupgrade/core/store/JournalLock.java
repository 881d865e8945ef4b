package dev.rollingupgrade.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner per journal, whatever else the process does with the file. The JDK releases every lock
 * a process holds on a file as soon as any channel to that file closes — a refused second open, a
 * {@code Files.readAllBytes} — so the journal's own lock cannot be the guard. Instead:
 *
 * <ul>
 *   <li>in this process, a registry of open journals by real path (symbolic links resolved) refuses
 *       a second store before it opens anything;
 *   <li>against other processes, the OS lock on {@code <journal>.lock}, a file next to the journal
 *       that only this class opens, through one channel held while the store is open (the file
 *       stays when the store closes: deleting it would let two processes lock two files);
 *   <li>the journal itself is locked too, so a store of an earlier version (which locked only the
 *       journal) is refused, and refuses us.
 * </ul>
 *
 * Thread-safe.
 */
final class JournalLock {
  private static final Logger LOG = LoggerFactory.getLogger(JournalLock.class);
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final Path journal;
  private final FileChannel lockChannel;
  private boolean released;

  private JournalLock(Path journal, FileChannel lockChannel) {
    this.journal = journal;
    this.lockChannel = lockChannel;
  }

  /**
   * Takes the journal at {@code path} for one store.
   *
   * @throws IllegalStateException if another store, in this process or another, has it
   * @throws IOException if the folder or the lock file cannot be made
   */
  static JournalLock acquire(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    Path real = Files.exists(absolute) ? absolute.toRealPath() : parent.toRealPath().resolve(absolute.getFileName());
    if (!OPEN.add(real)) {
      throw inUse(path, "in this process");
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(real.resolveSibling(real.getFileName() + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      if (tryLock(channel) == null) {
        throw inUse(path, "in another process");
      }
      return new JournalLock(real, channel);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      OPEN.remove(real);
      throw e;
    }
  }

  /** The journal's real path: what the store reads, writes and replaces. */
  Path journal() {
    return journal;
  }

  /**
   * Locks the journal's own channel too.
   *
   * @throws IllegalStateException if another process (a store of an earlier version) holds it
   */
  void lockJournal(Path shown, FileChannel journalChannel) throws IOException {
    if (tryLock(journalChannel) == null) {
      throw inUse(shown, "in another process (its lock on the journal itself)");
    }
  }

  /** Ends the store's hold: the lock file's lock goes with its channel, then the registry entry. */
  synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("could not close the lock file of {}", journal, e);
    }
    OPEN.remove(journal);
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static IllegalStateException inUse(Path path, String where) {
    return new IllegalStateException("journal " + path + " is in use by another store (" + where + "): only one may "
        + "drive its runs; stop the other one or resume the runs there");
  }
}
