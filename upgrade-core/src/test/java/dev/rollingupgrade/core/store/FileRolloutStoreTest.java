package dev.rollingupgrade.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN §9: a durable journal; torn writes ignored, never misread; one store per journal. */
class FileRolloutStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private static RunRecord record(String run, long seq, String kind, String... kv) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      attributes.put(kv[i], kv[i + 1]);
    }
    return RunRecord.of(run, seq, T0.plusSeconds(seq), kind, attributes);
  }

  /** Appends under a lease of the run (claimed on first use) and waits until it is durable. */
  private static void append(FileRolloutStore store, RunRecord record) {
    Lease lease = store.claim(record.runId(), "test", Duration.ofHours(1))
        .orElseGet(() -> LEASES.get(store + record.runId()));
    LEASES.put(store + record.runId(), lease);
    store.append(lease, List.of(record)).toCompletableFuture().join();
  }

  private static final Map<String, Lease> LEASES = new HashMap<>();

  private static UpgradeHistoryEntry entry() {
    return UpgradeHistoryEntry.builder()
        .runningStatus(RunningStatus.builder().code(RollingUpgradeStatusCode.COMPLETED).startTime(T0).endTime(T0.plusSeconds(60)).build())
        .progress(RollingUpgradeProgress.builder().successfulInstanceCount(3).build())
        .startedBy(UpgradeOperationInvoker.PLATFORM)
        .targetImageReference(ImageReference.platform("Canonical", "ubuntu", "server", "1.2.3"))
        .location("westeurope").build();
  }

  private List<RunRecord> writeSample(Path journal) {
    List<RunRecord> written = new ArrayList<>();
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      written.add(record("a", 0, "RUN_STARTED", "scaleSet", "web", "note", "quotes \" and \n newlines"));
      written.add(record("a", 1, "BATCH_STARTED", "instances", "0,1"));
      written.add(record("b", 0, "RUN_STARTED", "scaleSet", "api"));
      written.add(new RunRecord("a", 2, T0.plusSeconds(2), "RUN_FINISHED", Map.of("code", "Completed"),
          Optional.of(new RunRecord.Outcome("web", entry()))));
      written.forEach(r -> append(store, r));
    }
    return written;
  }

  @Test
  void recordsAndHistorySurviveAReopen() {
    Path journal = dir.resolve("journal.log");
    List<RunRecord> written = writeSample(journal);
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      assertThat(store.records("a")).containsExactly(written.get(0), written.get(1), written.get(3));
      assertThat(store.records("b")).containsExactly(written.get(2));
      assertThat(store.unfinishedRuns()).containsExactly("b");
      assertThat(store.history("web")).containsExactly(entry());
      assertThat(store.tornTail()).isEmpty();
      append(store, record("b", 1, "BATCH_STARTED"));
    }
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      assertThat(store.records("b")).hasSize(2);
    }
  }

  @Test
  void aRecordOutOfSequenceIsRefusedAndNotWritten() throws IOException {
    Path journal = dir.resolve("journal.log");
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      append(store, record("a", 0, "RUN_STARTED"));
      assertThatThrownBy(() -> append(store, record("a", 2, "BATCH_STARTED"))).hasMessageContaining("expected 1");
    }
    assertThat(Files.readAllLines(journal)).hasSize(1);
  }

  @Test
  void aTornLastRecordIsIgnoredAtEveryByteOffset() throws IOException {
    Path journal = dir.resolve("journal.log");
    writeSample(journal);
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      append(store, record("b", 1, "BATCH_STARTED", "instances", "7,8,9"));
    }
    byte[] full = Files.readAllBytes(journal);
    int lastLineStart = new String(full, StandardCharsets.UTF_8).lastIndexOf('\n', full.length - 2) + 1;
    for (int cut = lastLineStart; cut < full.length; cut++) {
      Path copy = dir.resolve("cut-" + cut + ".log");
      Files.write(copy, java.util.Arrays.copyOf(full, cut));
      try (FileRolloutStore store = FileRolloutStore.open(copy)) {
        assertThat(store.records("b")).as("cut at %d", cut).hasSize(1);
        assertThat(store.records("a")).hasSize(3);
        assertThat(store.history("web")).hasSize(1);
        if (cut == lastLineStart) {
          assertThat(store.tornTail()).isEmpty();
        } else {
          long tornLength = cut - lastLineStart;
          assertThat(store.tornTail()).hasValueSatisfying(t -> {
            assertThat(t.offset()).isEqualTo(lastLineStart);
            assertThat(t.length()).isEqualTo(tornLength);
          });
        }
        append(store, record("b", 1, "BATCH_STARTED", "instances", "again"));
      }
      try (FileRolloutStore store = FileRolloutStore.open(copy)) {
        assertThat(store.records("b").get(1).attributes()).containsEntry("instances", "again");
        assertThat(store.tornTail()).isEmpty();
      }
    }
  }

  @Test
  void aGarbledLastRecordIsCaughtByItsChecksumAndRefused() throws IOException {
    Path journal = dir.resolve("journal.log");
    writeSample(journal);
    byte[] bytes = Files.readAllBytes(journal);
    bytes[bytes.length - 5] = (byte) (bytes[bytes.length - 5] ^ 0x20); // flip a letter's case in the last line
    Files.write(journal, bytes);
    // the line is complete: it was on disk, and its history entry may have been read; a torn write has no newline
    assertThatThrownBy(() -> FileRolloutStore.open(journal)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is corrupt at line 4").hasMessageContaining("checksum mismatch");
  }

  @Test
  void corruptionBeforeTheLastRecordFailsTheOpen() throws IOException {
    Path journal = dir.resolve("journal.log");
    writeSample(journal);
    List<String> lines = new ArrayList<>(Files.readAllLines(journal));
    lines.set(1, lines.get(1).replace("BATCH_STARTED", "BATCH_STARTEX"));
    Files.write(journal, lines);
    assertThatThrownBy(() -> FileRolloutStore.open(journal))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is corrupt at line 2").hasMessageContaining("checksum mismatch");
  }

  @Test
  void aSecondStoreOnTheSameJournalFailsFast() {
    Path journal = dir.resolve("journal.log");
    try (FileRolloutStore first = FileRolloutStore.open(journal)) {
      assertThatThrownBy(() -> FileRolloutStore.open(journal))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another store");
      append(first, record("a", 0, "RUN_STARTED"));
    }
    try (FileRolloutStore again = FileRolloutStore.open(journal)) {
      assertThat(again.records("a")).hasSize(1);
    }
  }

  @Test
  void aStoreInAnotherProcessFailsFast() throws Exception {
    Path journal = dir.resolve("journal.log");
    try (FileRolloutStore mine = FileRolloutStore.open(journal)) {
      Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), OpenJournal.class.getName(), journal.toString())
          .redirectErrorStream(true).start();
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(other.exitValue()).as(output).isEqualTo(3);
      assertThat(output).contains("is in use by another store");
    }
  }

  /** Opens a journal in a separate process: exit 0 when it could, 3 when another store holds it. */
  public static final class OpenJournal {
    public static void main(String[] args) {
      try (FileRolloutStore store = FileRolloutStore.open(Path.of(args[0]))) {
        System.exit(0);
      } catch (IllegalStateException e) {
        System.out.println(e.getMessage());
        System.exit(3);
      }
    }
  }
}
