package dev.rollingupgrade.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollingupgrade.api.spi.RunRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a journal to what its unfinished runs need. Counts the bytes of each run's lines; a run is
 * droppable once it has finished and nothing unfinished reads it — a run whose first record names
 * a {@code rollout} is kept until that rollout's journal has finished too (a resumed rollout reads
 * how its members ended). A compaction rewrites the journal without the droppable runs' records,
 * in the same order, turning each one's final record into a history line, so the history stays
 * whole and in order: into a temporary file, forced, moved over the journal atomically, the folder
 * forced. A crash at any point leaves the old journal or the new one, never a mix. Used under the
 * store's lock only.
 */
final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
  private static final String SUFFIX = ".compacting";

  /** What the journal holds of one run. */
  private static final class Run {
    long bytes;
    long finalSequence = -1;
    String rollout;
    boolean droppable;
    boolean forgotten;
  }

  private final Map<String, Run> runs = new HashMap<>(); // lookups only
  private final Map<String, List<String>> members = new HashMap<>(); // rollout -> its runs; lookups only
  private final List<String> droppableRuns = new ArrayList<>(); // in the order they became droppable
  private int forgottenUpTo; // droppableRuns before this index were handed to the caller to forget
  private long total;
  private long droppable;
  private long postponedBelow; // after a failed compaction: wait until this much is droppable

  /** Deletes what a compaction interrupted by a crash left next to {@code journal}. */
  static void clean(Path journal) throws IOException {
    Files.deleteIfExists(journal.resolveSibling(journal.getFileName() + SUFFIX));
  }

  /** A line of {@code bytes} bytes (newline included) holding {@code record}. */
  void recorded(RunRecord record, long bytes) {
    total += bytes;
    Run run = runs.computeIfAbsent(record.runId(), k -> new Run());
    run.bytes += bytes;
    if (run.droppable) {
      droppable += bytes;
    }
    if (record.sequence() == 0 && record.attributes().containsKey("rollout")) {
      run.rollout = record.attributes().get("rollout");
      members.computeIfAbsent(run.rollout, k -> new ArrayList<>()).add(record.runId());
    }
    if (record.isFinal()) {
      run.finalSequence = record.sequence();
      mayDrop(record.runId(), run);
      for (String member : members.getOrDefault(record.runId(), List.of())) {
        mayDrop(member, runs.get(member));
      }
    }
  }

  /** A line of {@code bytes} bytes that is not a run's record (a history line): always kept. */
  void kept(long bytes) {
    total += bytes;
  }

  private void mayDrop(String id, Run run) {
    if (run == null || run.droppable || run.finalSequence < 0) {
      return;
    }
    Run rollout = run.rollout == null ? null : runs.get(run.rollout);
    if (rollout != null && rollout.finalSequence < 0) {
      return; // its rollout has not finished: it reads how this run ended
    }
    run.droppable = true;
    droppable += run.bytes;
    droppableRuns.add(id);
  }

  /** Whether the records of {@code runId} were handed out to forget (they are in the file still). */
  boolean forgotten(String runId) {
    Run run = runs.get(runId);
    return run != null && run.forgotten;
  }

  /** Bytes of droppable runs' records. */
  long droppable() {
    return droppable;
  }

  /** On open: worth it once the droppable runs take {@code threshold} bytes. */
  boolean worthOnOpen(long threshold) {
    return droppable > 0 && droppable >= threshold && droppable >= postponedBelow;
  }

  /** While open: worth it once they take {@code threshold} bytes and outweigh everything else (amortized). */
  boolean worthWhileOpen(long threshold) {
    return worthOnOpen(threshold) && droppable >= total - droppable;
  }

  /** The droppable runs not handed out before: the caller forgets their records. */
  List<String> takeDroppable() {
    List<String> taken = new ArrayList<>(droppableRuns.subList(forgottenUpTo, droppableRuns.size()));
    forgottenUpTo = droppableRuns.size();
    taken.forEach(id -> runs.get(id).forgotten = true);
    return taken;
  }

  /** Every droppable run: what a compaction drops. */
  List<String> droppableRuns() {
    return List.copyOf(droppableRuns);
  }

  /** A compaction failed: try again once twice as much can be dropped. */
  void postpone() {
    postponedBelow = droppable * 2;
  }

  /**
   * Rewrites the journal at {@code journal} (whose first {@code end} bytes, read from
   * {@code source}, are good lines) without the droppable runs; returns the new journal's size.
   * On success the droppable runs are gone from this count too.
   */
  long rewrite(Path journal, FileChannel source, long end, JournalCodec codec, int bufferBytes) throws IOException {
    Path temporary = journal.resolveSibling(journal.getFileName() + SUFFIX);
    Files.deleteIfExists(temporary);
    long written = 0;
    try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      LineBuffer buffer = new LineBuffer(Math.min(bufferBytes, 1 << 20) + 1024);
      long[] size = {0};
      JournalReader.scan(journal, source, end, bufferBytes, codec.maxLineBytes(), (bytes, from, to, offset, n) -> {
        keep(bytes, from, to, codec, buffer);
        if (buffer.size() >= bufferBytes) {
          try {
            size[0] += flush(buffer, out, size[0]);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      });
      written = size[0] + flush(buffer, out, size[0]);
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(temporary, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel folder = FileChannel.open(journal.getParent(), StandardOpenOption.READ)) {
      folder.force(true); // the rename itself survives a power loss
    } catch (IOException e) {
      LOG.debug("cannot force the folder of {} (not supported here)", journal, e);
    }
    for (String id : droppableRuns) {
      Run run = runs.remove(id);
      List<String> siblings = run.rollout == null ? null : members.get(run.rollout);
      if (siblings != null) {
        siblings.remove(id);
        if (siblings.isEmpty()) {
          members.remove(run.rollout);
        }
      }
      members.remove(id); // a rollout that goes: its members that remain follow it once they finish
    }
    droppableRuns.clear();
    forgottenUpTo = 0;
    droppable = 0;
    postponedBelow = 0;
    total = written;
    return written;
  }

  /** Copies a line to {@code out} unless its run is droppable; a droppable run's final record becomes a history line. */
  private void keep(byte[] bytes, int from, int to, JournalCodec codec, LineBuffer out) throws JournalCodec.BadLine {
    JournalCodec.Head head = codec.head(bytes, from, to);
    Run run = head == null ? null : runs.get(head.run());
    if (head == null) {
      JsonNode json = codec.parse(bytes, from, to); // a history line, or fields in another order
      run = json.path("type").asText().equals("record") ? runs.get(json.path("run").asText()) : null;
      head = run == null ? null : new JournalCodec.Head(json.path("run").asText(), json.path("seq").asLong());
    }
    if (run == null || !run.droppable) {
      out.write(bytes, from, to - from);
      out.write('\n');
    } else if (head.seq() == run.finalSequence) {
      JsonNode json = codec.parse(bytes, from, to);
      codec.writeHistory(json.path("scaleSet").asText(), head.run(), json.get("history"), out);
    }
  }

  private static long flush(LineBuffer buffer, FileChannel out, long position) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(buffer.bytes(), 0, buffer.size());
    while (bytes.hasRemaining()) {
      out.write(bytes, position + bytes.position());
    }
    long n = buffer.size();
    buffer.truncate(0);
    return n;
  }
}
