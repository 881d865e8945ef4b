package dev.rollingupgrade.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link RolloutStore} in one append-only journal file: one line per record,
 * {@code <crc32 hex> <json>}; a group of records is written and forced to disk
 * ({@code FileChannel.force}) once, before {@link #append}'s stage completes. A run's final record
 * carries its history entry. Holds no secrets: runs journal none.
 *
 * <p>One owner per file: the file lock proves that no other process drives these runs, so leases
 * live in memory (a lease of a process that died with the lock is void) and expire by the clock
 * given to {@link #open(Path, Clock)}.
 *
 * <p>Opening the file recovers it: every complete record is read back; a torn last line (the
 * host lost power mid-write: cut short, or its checksum does not match) is ignored, reported by
 * {@link #tornTail()} and cut off before new records are appended. A bad line followed by good
 * ones is corruption, not a torn write, and fails the open. The file is locked for as long as the
 * store is open, so a second store on the same journal — in this process or another — fails at
 * once instead of driving the same instances. Thread-safe; close it to release the lock.
 */
public final class FileRolloutStore implements RolloutStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileRolloutStore.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final InMemoryRolloutStore index;
  private final TornTail torn;
  private boolean closed;

  private FileRolloutStore(Path path, FileChannel channel, FileLock lock, Clock clock) throws IOException {
    this.index = new InMemoryRolloutStore(clock);
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.torn = recover();
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
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(clock, "clock");
    FileChannel channel = null;
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("journal " + path + " is in use by another store (in this or another process): "
            + "only one may drive its runs; stop the other one or resume the runs there");
      }
      return new FileRolloutStore(path, channel, lock, clock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot open journal " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
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

  /** Writes the group as consecutive lines with one force, then indexes it. */
  @Override
  public synchronized CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
    try {
      index.checkLease(lease);
      long expected = index.nextSequence(lease.runId());
      StringBuilder lines = new StringBuilder();
      for (RunRecord record : records) {
        if (!record.runId().equals(lease.runId()) || record.sequence() != expected++) {
          throw new IllegalArgumentException("run " + lease.runId() + ": record " + record.runId() + "/"
              + record.sequence() + " out of sequence, expected " + (expected - 1));
        }
        lines.append(line(toJson(record)));
      }
      write(lines.toString());
      index.add(lease.runId(), records);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static ObjectNode toJson(RunRecord record) {
    ObjectNode line = MAPPER.createObjectNode();
    line.put("type", "record");
    line.put("run", record.runId());
    line.put("seq", record.sequence());
    line.put("time", record.time().toString());
    line.put("kind", record.kind());
    ObjectNode attributes = line.putObject("attrs");
    record.attributes().forEach(attributes::put);
    record.outcome().ifPresent(o -> {
      line.put("scaleSet", o.scaleSetName());
      try {
        line.set("history", MAPPER.readTree(AzureJson.write(o.historyEntry())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a history entry always writes valid JSON", e);
      }
    });
    return line;
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

  /** Releases the lock and closes the file. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("could not release the lock of {}", path, e);
    }
    closeQuietly(channel);
  }

  private static String line(JsonNode json) {
    String body = json.toString();
    return crc(body.getBytes(StandardCharsets.UTF_8)) + " " + body + "\n";
  }

  private void write(String lines) {
    if (closed) {
      throw new IllegalStateException("journal " + path + " is closed");
    }
    long start = -1;
    try {
      start = channel.position();
      ByteBuffer buffer = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false); // durable before the decision's side effect
    } catch (IOException e) {
      cutBackTo(start); // a failed group leaves nothing behind: later groups must follow a whole line
      throw new UncheckedIOException("cannot write journal " + path + ": " + e.getMessage(), e);
    }
  }

  private void cutBackTo(long offset) {
    if (offset < 0) {
      return;
    }
    try {
      channel.truncate(offset);
      channel.position(offset);
    } catch (IOException again) {
      closed = true; // the file may end in a partial line: refuse every later append
      LOG.error("journal {}: a failed write could not be cut back to byte {}; the store takes no more appends",
          path, offset, again);
    }
  }

  /** Reads every complete record; cuts off a torn last line. */
  private TornTail recover() throws IOException {
    long size = channel.size();
    byte[] bytes = new byte[(int) Math.min(size, Integer.MAX_VALUE)];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    channel.position(0);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // read it all
    }
    long good = 0;
    int lineNumber = 0;
    int start = 0;
    TornTail tail = null;
    while (start < bytes.length) {
      lineNumber++;
      int end = indexOf(bytes, (byte) '\n', start);
      boolean complete = end >= 0;
      int stop = complete ? end : bytes.length;
      String problem = complete ? apply(new String(bytes, start, stop - start, StandardCharsets.UTF_8)) : "cut short";
      if (problem == null) {
        good = stop + 1;
        start = stop + 1;
        continue;
      }
      boolean last = !complete || stop + 1 >= bytes.length;
      if (!last) {
        throw new IllegalStateException("journal " + path + " is corrupt at line " + lineNumber + " (byte " + start
            + "): " + problem + "; records follow, so this is not a torn write");
      }
      tail = new TornTail(start, bytes.length - start, problem);
      LOG.warn("journal {}: ignoring a torn last record at byte {} ({} bytes, {})", path, start, tail.length(), problem);
      break;
    }
    channel.truncate(good);
    channel.position(good);
    if (tail != null) {
      channel.force(false);
    }
    return tail;
  }

  /** Applies one line to the index; returns what is wrong with it, or null. */
  private String apply(String line) {
    int space = line.indexOf(' ');
    if (space <= 0) {
      return "no checksum";
    }
    String body = line.substring(space + 1);
    if (!line.substring(0, space).equals(crc(body.getBytes(StandardCharsets.UTF_8)))) {
      return "checksum mismatch";
    }
    try {
      JsonNode json = MAPPER.readTree(body);
      if (json.path("type").asText().equals("history")) { // journals of 0.1, before history rode on the final record
        index.addLegacyHistory(json.path("scaleSet").asText(), AzureJson.readHistoryEntry(json.get("entry").toString()));
        return null;
      }
      Map<String, String> attributes = new LinkedHashMap<>();
      json.path("attrs").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
      Optional<RunRecord.Outcome> outcome = json.has("history")
          ? Optional.of(new RunRecord.Outcome(json.path("scaleSet").asText(),
              AzureJson.readHistoryEntry(json.get("history").toString())))
          : Optional.empty();
      String run = json.path("run").asText();
      index.add(run, List.of(new RunRecord(run, json.path("seq").asLong(), Instant.parse(json.path("time").asText()),
          json.path("kind").asText(), attributes, outcome)));
      return null;
    } catch (JsonProcessingException | RuntimeException e) {
      return "unreadable record: " + e.getMessage();
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String crc(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return String.format("%08x", crc.getValue());
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
   * @param problem why it was not read: {@code cut short}, {@code checksum mismatch}, ...
   */
  public record TornTail(long offset, long length, String problem) {}
}
