package dev.rollingupgrade.core.store;

import static dev.rollingupgrade.core.store.Journals.append;
import static dev.rollingupgrade.core.store.Journals.appendFailure;
import static dev.rollingupgrade.core.store.Journals.child;
import static dev.rollingupgrade.core.store.Journals.entry;
import static dev.rollingupgrade.core.store.Journals.finished;
import static dev.rollingupgrade.core.store.Journals.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.core.store.Journals.ChildResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal under the faults users meet: other code of the process touching the file, a full
 * disk, records larger than a parser's default limits, journals larger than the heap, the file
 * deleted or replaced under the store, and corruption of a record that was on disk.
 */
class FileJournalFaultsTest {
  private static final Clock CLOCK = Clock.fixed(Journals.T0, ZoneOffset.UTC);

  @TempDir
  Path dir;

  private Path journal() {
    return dir.resolve("journal.log");
  }

  // ---- one owner per file ----

  @Test
  void theLockHoldsWhateverElseThisProcessDoesWithTheJournal() throws Exception {
    Path journal = journal();
    Path link = Files.createSymbolicLink(dir.resolve("link.log"), journal.getFileName());
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      append(store, record("a", 0, "RUN_STARTED"));
      Files.readAllBytes(journal); // another channel to the journal opens and closes in this process
      assertThatThrownBy(() -> FileRolloutStore.open(journal)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another store");
      assertThatThrownBy(() -> FileRolloutStore.open(link)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another store");
      // after all of that, another process still cannot open it, by either name
      for (Path name : List.of(journal, link)) {
        ChildResult other = child(FileRolloutStoreTest.OpenJournal.class, List.of(), name.toString());
        assertThat(other.exitCode()).as(other.output()).isEqualTo(3);
        assertThat(other.output()).contains("is in use by another store");
      }
      append(store, record("a", 1, "BATCH_STARTED"));
    }
    ChildResult after = child(FileRolloutStoreTest.OpenJournal.class, List.of(), journal.toString());
    assertThat(after.exitCode()).as(after.output()).isZero();
  }

  // ---- a failed write ----

  /** The journal's channel, with a write that fails after half its bytes, as on a full disk. */
  private static final class FullDisk implements WriteTarget {
    private final WriteTarget disk;
    boolean failNextWrite;
    boolean failNextForce;
    boolean truncateFails;
    long halfWritten = -1;
    int forces;

    FullDisk(FileChannel channel) {
      this.disk = WriteTarget.of(channel);
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
      if (failNextWrite) {
        failNextWrite = false;
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + source.remaining() / 2);
        int written = disk.write(half, position);
        source.position(source.position() + written);
        halfWritten = written;
        throw new IOException("No space left on device");
      }
      return disk.write(source, position);
    }

    @Override
    public void force() throws IOException {
      if (failNextForce) {
        failNextForce = false;
        throw new IOException("Input/output error");
      }
      forces++;
      disk.force();
    }

    @Override
    public void truncate(long size) throws IOException {
      if (truncateFails) {
        throw new IOException("Input/output error");
      }
      disk.truncate(size);
    }
  }

  private FileRolloutStore openOnFullDisk(FullDisk[] disk) {
    return FileRolloutStore.open(journal(), CLOCK, JournalSettings.DEFAULTS.withWriteTarget(channel -> {
      disk[0] = new FullDisk(channel);
      return disk[0];
    }));
  }

  @Test
  void aWriteThatFailsHalfWayLeavesNoPartialRecordAndLaterAppendsReadBack() throws IOException {
    FullDisk[] disk = new FullDisk[1];
    try (FileRolloutStore store = openOnFullDisk(disk)) {
      append(store, record("a", 0, "RUN_STARTED"));
      long before = Files.size(journal());
      disk[0].failNextWrite = true;
      Throwable failure = appendFailure(store, record("a", 1, "BATCH_STARTED", "instances", "[\"1\",\"2\"]"),
          record("a", 2, "INSTANCE_SUCCEEDED", "instance", "1"));
      assertThat(disk[0].halfWritten).isPositive(); // the failure came after part of the group was on disk
      assertThat(failure).hasMessageContaining("No space left on device").hasMessageContaining("not written");
      assertThat(Files.size(journal())).isEqualTo(before);
      assertThat(store.records("a")).hasSize(1);
      append(store, record("a", 1, "BATCH_STARTED", "instances", "again"));
      append(store, record("a", 2, "INSTANCE_SUCCEEDED", "instance", "1"));
    }
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      assertThat(store.tornTail()).isEmpty();
      assertThat(store.records("a")).extracting(RunRecord::kind)
          .containsExactly("RUN_STARTED", "BATCH_STARTED", "INSTANCE_SUCCEEDED");
      assertThat(store.records("a").get(1).attributes()).containsEntry("instances", "again");
    }
  }

  @Test
  void aFailedWriteThatCannotBeCutBackRefusesEveryLaterAppend() {
    FullDisk[] disk = new FullDisk[1];
    try (FileRolloutStore store = openOnFullDisk(disk)) {
      append(store, record("a", 0, "RUN_STARTED"));
      disk[0].failNextWrite = true;
      disk[0].truncateFails = true;
      assertThat(appendFailure(store, record("a", 1, "BATCH_STARTED", "instances", "[\"1\"]")))
          .hasMessageContaining("No space left on device");
      assertThat(appendFailure(store, record("a", 1, "BATCH_STARTED", "instances", "[\"1\"]")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("takes no more appends");
      assertThat(appendFailure(store, record("b", 0, "RUN_STARTED"))).hasMessageContaining("takes no more appends");
    }
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      assertThat(store.tornTail()).isPresent(); // the half record is cut off when the journal is opened again
      assertThat(store.records("a")).hasSize(1);
      append(store, record("a", 1, "BATCH_STARTED", "instances", "[\"1\"]"));
    }
  }

  @Test
  void aForceThatFailsRefusesEveryLaterAppend() {
    FullDisk[] disk = new FullDisk[1];
    try (FileRolloutStore store = openOnFullDisk(disk)) {
      append(store, record("a", 0, "RUN_STARTED"));
      disk[0].failNextForce = true;
      assertThat(appendFailure(store, record("a", 1, "BATCH_STARTED"))).hasMessageContaining("Input/output error");
      assertThat(appendFailure(store, record("a", 1, "BATCH_STARTED"))).hasMessageContaining("takes no more appends");
    }
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      assertThat(store.records("a")).hasSize(1); // the group whose force failed was cut back off
    }
  }

  // ---- group commit ----

  @Test
  void deferredGroupsAreWrittenAndForcedWithTheNextGroup() throws IOException {
    FullDisk[] disk = new FullDisk[1];
    try (FileRolloutStore store = openOnFullDisk(disk)) {
      append(store, record("a", 0, "RUN_STARTED"));
      assertThat(disk[0].forces).isEqualTo(1);
      for (int i = 1; i <= 50; i++) {
        store.appendDeferred(Journals.lease(store, "a"), List.of(record("a", i, "INSTANCE_SUCCEEDED", "instance",
            String.valueOf(i)))).toCompletableFuture().join();
      }
      assertThat(store.records("a")).hasSize(51);
      assertThat(disk[0].forces).isEqualTo(1);
      append(store, record("a", 51, "BATCH_STARTED"));
      assertThat(disk[0].forces).isEqualTo(2); // one force for the 51 records
      assertThat(Files.readAllLines(journal())).hasSize(52);
      store.appendDeferred(Journals.lease(store, "a"), List.of(record("a", 52, "INSTANCE_SUCCEEDED")))
          .toCompletableFuture().join();
    }
    assertThat(disk[0].forces).isEqualTo(3); // closing writes and forces what was deferred
    assertThat(Files.readAllLines(journal())).hasSize(53);
  }

  @Test
  void aProcessThatDiesLosesAtMostTheLastDeferredRecordsNeverAForcedOne() throws Exception {
    ChildResult died = child(AppendDeferredThenHalt.class, List.of(), journal().toString());
    assertThat(died.exitCode()).as(died.output()).isEqualTo(7);
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      List<RunRecord> records = store.records("a");
      assertThat(records.get(0).kind()).isEqualTo("RUN_STARTED");
      assertThat(records.get(1).kind()).isEqualTo("BATCH_STARTED");
      // 16 KiB of deferred records at most were held when the process died; the ones before were written
      assertThat(records.size() - 2).isBetween(300 - JournalWriter.DEFERRED_BYTES / 100, 299);
      assertThat(store.tornTail()).isEmpty();
      assertThat(store.unfinishedRuns()).containsExactly("a");
    }
  }

  /** Appends two durable records and 300 deferred ones (each over 100 bytes), then dies: no close, no shutdown hook. */
  public static final class AppendDeferredThenHalt {
    public static void main(String[] args) {
      FileRolloutStore store = FileRolloutStore.open(Path.of(args[0]), CLOCK);
      append(store, record("a", 0, "RUN_STARTED"), record("a", 1, "BATCH_STARTED"));
      for (int i = 2; i < 302; i++) {
        store.appendDeferred(Journals.lease(store, "a"), List.of(record("a", i, "INSTANCE_SUCCEEDED", "instance",
            "vm-" + i))).toCompletableFuture().join();
      }
      Runtime.getRuntime().halt(7);
    }
  }

  // ---- records as large as the writer lets through ----

  @Test
  void aRecordLongerThanALineMayHoldIsRefusedWhileOneAtTheLimitReadsBack() throws IOException {
    JournalSettings small = JournalSettings.DEFAULTS.withMaxLineBytes(4096);
    List<RunRecord> written = new ArrayList<>();
    Throwable refused = null;
    try (FileRolloutStore store = FileRolloutStore.open(journal(), CLOCK, small)) {
      for (int repeats = 640; repeats <= 700 && refused == null; repeats++) { // 6 bytes each, escaped
        RunRecord r = record("a", written.size(), "PLANNED", "instances", "\"é\t".repeat(repeats));
        refused = appendFailure(store, r);
        if (refused == null) {
          written.add(r);
        }
      }
      assertThat(refused).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("record " + written.size() + " of run a (PLANNED)")
          .hasMessageContaining("at most 4096 bytes");
    }
    assertThat(written).isNotEmpty();
    long longest = Files.readAllLines(journal(), StandardCharsets.UTF_8).stream()
        .mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).max().orElseThrow();
    assertThat(longest).isBetween(4096L - 12, 4096L); // a line of about the limit was written...
    try (FileRolloutStore store = FileRolloutStore.open(journal(), CLOCK, small)) {
      assertThat(store.records("a")).isEqualTo(written); // ...and is read back
      assertThat(store.tornTail()).isEmpty();
    }
  }

  // ---- journals larger than memory, compaction ----

  @Test
  void aJournalIsReadThroughABufferSmallerThanItsRecords() throws IOException {
    List<RunRecord> written = new ArrayList<>();
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      for (int i = 0; i < 60; i++) {
        RunRecord r = record("run-" + (i % 3), i / 3, "K", "v", "é€𝄞 \" \n".repeat(i * 7 % 50));
        append(store, r);
        written.add(r);
      }
    }
    byte[] full = Files.readAllBytes(journal());
    Files.write(journal(), Arrays.copyOf(full, full.length - 3)); // and a torn last line
    try (FileRolloutStore store = FileRolloutStore.open(journal(), CLOCK,
        JournalSettings.DEFAULTS.withReadBufferBytes(16))) {
      for (int run = 0; run < 3; run++) {
        String id = "run-" + run;
        List<RunRecord> expected = written.subList(0, 59).stream().filter(r -> r.runId().equals(id)).toList();
        assertThat(store.records(id)).as(id).isEqualTo(expected);
      }
      assertThat(store.tornTail()).hasValueSatisfying(t -> assertThat(t.offset() + t.length())
          .isEqualTo(full.length - 3));
    }
  }

  /** Writes {@code runs} finished runs of about {@code bytesEach} bytes each on scale set {@code web}, plus run {@code live}. */
  private void writeFinishedRuns(int runs, int bytesEach) {
    String model = "m".repeat(bytesEach);
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      append(store, record("live", 0, "RUN_STARTED", "scaleSet", "api"));
      for (int i = 0; i < runs; i++) {
        append(store, record("run-" + i, 0, "RUN_STARTED", "scaleSet", "web", "model", model),
            finished("run-" + i, 1, "web", entry(i)));
      }
      append(store, record("live", 1, "BATCH_STARTED"), record("live", 2, "INSTANCE_SUCCEEDED"));
    }
  }

  @Test
  void aJournalLargerThanTheHeapOpensAndItsFinishedRunsAreCompactedAway() throws Exception {
    writeFinishedRuns(420, 120_000);
    assertThat(Files.size(journal())).isGreaterThan(48L << 20);
    ChildResult opened = child(OpenSmallHeap.class, List.of("-Xmx32m"), journal().toString());
    assertThat(opened.exitCode()).as(opened.output()).isZero();
    assertThat(opened.output()).contains("live: 3 records, web: 420 history entries");
    assertThat(Files.size(journal())).isLessThan(1L << 20);
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      assertThat(store.records("run-0")).isEmpty();
      assertThat(store.records("live")).extracting(RunRecord::kind)
          .containsExactly("RUN_STARTED", "BATCH_STARTED", "INSTANCE_SUCCEEDED");
      assertThat(store.unfinishedRuns()).containsExactly("live");
      List<Integer> history = store.history("web").stream()
          .map(e -> e.progress().orElseThrow().successfulInstanceCount()).toList();
      assertThat(history).hasSize(420).startsWith(419, 418).endsWith(1, 0); // newest first, as before
    }
  }

  /** Opens a journal with a small compaction threshold, in a JVM whose heap is smaller than the journal. */
  public static final class OpenSmallHeap {
    public static void main(String[] args) {
      try (FileRolloutStore store = FileRolloutStore.open(Path.of(args[0]), CLOCK,
          JournalSettings.DEFAULTS.withCompactAtBytes(1 << 20))) {
        System.out.println("live: " + store.records("live").size() + " records, web: " + store.history("web").size()
            + " history entries");
      }
    }
  }

  @Test
  void compactionKeepsHistoryAndWhatUnfinishedRunsNeedAndDropsTheRest() throws IOException {
    String big = "x".repeat(20_000);
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      append(store, record("a", 0, "RUN_STARTED", "scaleSet", "web", "model", big), finished("a", 1, "web", entry(1)));
      append(store, record("b", 0, "RUN_STARTED", "scaleSet", "api"));
      append(store, record("r", 0, "ROLLOUT_STARTED", "plan", big));
      append(store, record("r/db", 0, "RUN_STARTED", "scaleSet", "db", "rollout", "r"), finished("r/db", 1, "db", entry(2)));
      append(store, record("c", 0, "RUN_STARTED", "scaleSet", "web", "model", big), finished("c", 1, "web", entry(3)));
      append(store, record("b", 1, "BATCH_STARTED"));
    }
    long before = Files.size(journal());
    JournalSettings eager = JournalSettings.DEFAULTS.withCompactAtBytes(1);
    try (FileRolloutStore store = FileRolloutStore.open(journal(), CLOCK, eager)) {
      assertThat(store.records("a")).isEmpty();
      assertThat(store.records("c")).isEmpty();
      assertThat(store.history("web")).containsExactly(entry(3), entry(1));
      assertThat(store.history("db")).containsExactly(entry(2));
      assertThat(store.records("b")).hasSize(2);
      assertThat(store.records("r")).hasSize(1);
      assertThat(store.records("r/db")).hasSize(2); // its rollout has not finished: it reads how its member ended
      assertThat(store.unfinishedRuns()).containsExactly("b", "r");
    }
    assertThat(Files.size(journal())).isLessThan(before - 2 * big.length());
    try (FileRolloutStore store = FileRolloutStore.open(journal(), CLOCK, eager)) {
      assertThat(store.history("web")).containsExactly(entry(3), entry(1));
      // the rollout ends while the store is open: it and its member go, at once
      append(store, new RunRecord("r", 1, Journals.T0, "ROLLOUT_FINISHED", java.util.Map.of("code", "Completed"),
          java.util.Optional.of(new RunRecord.Outcome("rollout", entry(4)))));
      assertThat(store.records("r")).isEmpty();
      assertThat(store.records("r/db")).isEmpty();
      assertThat(store.history("rollout")).containsExactly(entry(4));
      append(store, record("b", 2, "INSTANCE_SUCCEEDED")); // appends go on, to the compacted file
    }
    assertThat(Files.size(journal())).isLessThan(big.length());
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      assertThat(store.records("b")).hasSize(3);
      assertThat(store.unfinishedRuns()).containsExactly("b");
      assertThat(store.history("web")).containsExactly(entry(3), entry(1));
      assertThat(store.history("db")).containsExactly(entry(2));
      assertThat(store.history("rollout")).containsExactly(entry(4));
    }
  }

  /** Review of issue 15: compaction made a finished run's id free again, so a caller could run it twice. */
  @Test
  void theIdOfARunCompactedAwayStaysTakenAlsoAfterReopening() throws IOException {
    String big = "x".repeat(20_000);
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      append(store, record("a", 0, "RUN_STARTED", "scaleSet", "web", "model", big), finished("a", 1, "web", entry(1)));
      append(store, record("b", 0, "RUN_STARTED", "scaleSet", "api"));
    }
    JournalSettings eager = JournalSettings.DEFAULTS.withCompactAtBytes(1);
    try (FileRolloutStore store = FileRolloutStore.open(journal(), CLOCK, eager)) {
      assertThat(store.records("a")).isEmpty(); // compacted away
      assertThat(appendFailure(store, record("a", 0, "RUN_STARTED", "scaleSet", "web")))
          .hasMessageContaining("run a already ran to its end").hasMessageContaining("give the new run another id");
    }
    try (FileRolloutStore store = FileRolloutStore.open(journal())) { // nothing to compact now: read from the file
      assertThat(appendFailure(store, record("a", 0, "RUN_STARTED", "scaleSet", "web")))
          .hasMessageContaining("run a already ran to its end");
      assertThat(store.history("web")).containsExactly(entry(1));
      assertThat(appendFailure(store, record("c", 0, "RUN_STARTED", "scaleSet", "web"))).isNull();
    }
  }

  /**
   * Review of issue 15: opening let finished runs go while reading (to open in bounded memory); when
   * the compaction that followed failed (a full disk), the file still held them but their ids were
   * free, and a new run under one of them was lost on the next open. Now the open fails instead.
   * Needs a small tmpfs, so it runs only where this process may mount one (root).
   */
  @Test
  void anOpenWhoseCompactionFailsFailsAndTheJournalOpensOnceThereIsSpace() throws Exception {
    Path small = Files.createDirectory(dir.resolve("small"));
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs",
        small.toString()).redirectErrorStream(true).start().waitFor() == 0, "cannot mount a tmpfs here");
    try {
      Path journal = small.resolve("journal.log");
      String big = "x".repeat(100_000);
      try (FileRolloutStore store = FileRolloutStore.open(journal)) {
        append(store, record("a", 0, "RUN_STARTED", "scaleSet", "web", "model", big), finished("a", 1, "web", entry(1)));
        append(store, record("b", 0, "RUN_STARTED", "scaleSet", "api"));
      }
      Path filler = small.resolve("filler");
      try (FileChannel fill = FileChannel.open(filler, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE)) {
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (true) {
          chunk.clear();
          fill.write(chunk);
        }
      } catch (IOException full) {
        // the disk is full now
      }
      JournalSettings eager = JournalSettings.DEFAULTS.withCompactAtBytes(1);
      assertThatThrownBy(() -> FileRolloutStore.open(journal, CLOCK, eager)).isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("needs compacting to open and compacting failed");
      Files.delete(filler);
      try (FileRolloutStore store = FileRolloutStore.open(journal, CLOCK, eager)) {
        assertThat(store.unfinishedRuns()).containsExactly("b");
        assertThat(store.history("web")).containsExactly(entry(1));
        assertThat(appendFailure(store, record("a", 0, "RUN_STARTED", "scaleSet", "web")))
            .hasMessageContaining("run a already ran to its end");
      }
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }

  @Test
  void finishedRunsStayReadableUntilTheyOutweighTheThreshold() {
    writeFinishedRuns(3, 1_000);
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      assertThat(store.records("run-0")).hasSize(2); // 64 MiB by default: nothing to compact yet
    }
  }

  // ---- the file deleted or replaced under the store ----

  @Test
  void aJournalDeletedWhileOpenFailsTheNextAppendLoudly() throws IOException {
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      append(store, record("a", 0, "RUN_STARTED"));
      Files.delete(journal());
      assertThat(appendFailure(store, record("a", 1, "BATCH_STARTED"))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("was deleted").hasMessageContaining("takes no more appends");
      assertThat(appendFailure(store, record("b", 0, "RUN_STARTED"))).hasMessageContaining("was deleted");
      assertThatThrownBy(() -> FileRolloutStore.open(journal())).hasMessageContaining("is in use by another store");
    }
    assertThat(journal()).doesNotExist();
  }

  @Test
  void aJournalReplacedWhileOpenFailsTheNextAppendLoudly() throws IOException {
    Path moved = dir.resolve("moved.log");
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      append(store, record("a", 0, "RUN_STARTED"));
      Files.move(journal(), moved);
      Files.write(journal(), new byte[0]);
      assertThat(appendFailure(store, record("a", 1, "BATCH_STARTED"))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("was replaced");
    }
    assertThat(Files.size(journal())).isZero();
    assertThat(Files.readAllLines(moved)).hasSize(1);
  }

  // ---- a torn tail is not corruption ----

  @Test
  void aCorruptCompleteLastRecordIsRefusedNotCutOff() throws IOException {
    try (FileRolloutStore store = FileRolloutStore.open(journal())) {
      append(store, record("a", 0, "RUN_STARTED"), record("a", 1, "BATCH_STARTED", "instances", "[\"7\"]"));
      append(store, record("a", 2, "INSTANCE_SUCCEEDED", "instance", "7"));
    }
    byte[] bytes = Files.readAllBytes(journal());
    int lastLine = new String(bytes, StandardCharsets.UTF_8).lastIndexOf('\n', bytes.length - 2) + 1;
    bytes[bytes.length - 5] = (byte) (bytes[bytes.length - 5] ^ 0x01); // one bit of a record that was on disk
    Files.write(journal(), bytes);
    assertThatThrownBy(() -> FileRolloutStore.open(journal())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is corrupt at line 3 (byte " + lastLine + ")")
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("not a torn write")
        .hasMessageContaining("backup");
    assertThat(Files.readAllBytes(journal())).isEqualTo(bytes); // nothing was cut
  }
}
