package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only a fresh JVM shows: SLF4J's start-up line and the temporary directory the JDK reads once. */
class FreshJvmTest {
  @TempDir
  Path dir;

  @Test
  void theCommandsBindAnSlf4jProviderSoSlf4jSaysNothing() {
    CliProcess.Result run = CliProcess.run(dir, List.of(), null, "quickstart");
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).doesNotContain("SLF4J");
    // the check can fail: without slf4j-simple on the class path SLF4J complains on stderr
    CliProcess.Result bare = CliProcess.run(dir, List.of(), "slf4j-simple", "quickstart");
    assertThat(bare.err()).contains("No SLF4J providers were found");
  }

  @Test
  void aCrashSimulationWithAnUnusableTemporaryDirectoryExitsTwoAndLeavesNothing() throws IOException {
    Path missing = dir.resolve("missing");
    CliProcess.Result run = CliProcess.run(dir, List.of("-Djava.io.tmpdir=" + missing), null,
        "simulate", "--instances", "20", "--seed", "1", "--crash-after-batch", "2");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    // the JVM itself may warn first (JDK 25: "java.io.tmpdir directory does not exist"); ours is the last line
    assertThat(run.err()).endsWith("simulate: cannot make a directory for the simulation's journal in " + missing
        + ": no such directory (--crash-after-batch keeps a journal in the temporary directory; choose another with "
        + "java -Djava.io.tmpdir=DIR -jar ...)\n");
    Path file = Files.writeString(dir.resolve("a-file"), "");
    CliProcess.Result notADirectory = CliProcess.run(dir, List.of("-Djava.io.tmpdir=" + file), null,
        "simulate", "--instances", "20", "--seed", "1", "--crash-after-batch", "2");
    assertThat(notADirectory.exitCode()).isEqualTo(2);
    assertThat(notADirectory.err()).contains("simulate: cannot make a directory for the simulation's journal in " + file);
    BadInputTest.assertNoStackTrace(run.err() + notADirectory.err());
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).allMatch(n -> n.startsWith("out") || n.startsWith("err")
          || n.equals("a-file"));
    }
  }

  /** Review of issue 17: an OutOfMemoryError is an Error, which picocli does not map; it was a stack trace, exit 1. */
  @Test
  void runningOutOfMemoryIsAMessageAndExitTwo() {
    CliProcess.Result run = CliProcess.run(dir, List.of("-Xmx32m"), null, "simulate", "--instances", "1000000", "--seed", "1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("out of memory (this JVM may use").contains("give it more with java -Xmx");
    BadInputTest.assertNoStackTrace(run.err());
  }

  /**
   * Issue 17 (and its review): a full temporary directory was a faulted "simulation" with broken
   * invariants and exit 1. Needs a small tmpfs, so it runs only where this process may mount one (root).
   */
  @Test
  void aCrashSimulationOnAFullDiskExitsTwoSayingSoAndLeavesNothing() throws Exception {
    Path small = Files.createDirectory(dir.resolve("small"));
    assumeTrue(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
        .redirectErrorStream(true).start().waitFor() == 0, "cannot mount a tmpfs here");
    try {
      Files.write(small.resolve("fill"), new byte[56 * 1024]);
      CliProcess.Result run = CliProcess.run(dir, List.of("-Djava.io.tmpdir=" + small), null,
          "simulate", "--instances", "2000", "--seed", "1", "--crash-after-batch", "50");
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("simulate: the simulation's journal failed:").contains("No space left on device");
      BadInputTest.assertNoStackTrace(run.err());
      try (Stream<Path> left = Files.list(small)) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("fill");
      }
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }

  @Test
  void aCrashSimulationCleansUpItsJournal() throws IOException {
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    CliProcess.Result run = CliProcess.run(dir, List.of("-Djava.io.tmpdir=" + tmp), null,
        "simulate", "--instances", "20", "--seed", "1", "--crash-after-batch", "2");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("crash: the host crashed after batch 2");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aReadOnlyTemporaryDirectoryIsAUsageError() throws IOException {
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    assumeTrue(tmp.toFile().setWritable(false, false) && !Files.isWritable(tmp), "root writes everywhere");
    CliProcess.Result readOnly = CliProcess.run(dir, List.of("-Djava.io.tmpdir=" + tmp), null,
        "simulate", "--instances", "20", "--seed", "1", "--crash-after-batch", "2");
    assertThat(readOnly.exitCode()).isEqualTo(2);
    assertThat(readOnly.err()).startsWith("simulate: cannot make a directory for the simulation's journal in " + tmp
        + ": permission denied");
    BadInputTest.assertNoStackTrace(readOnly.err());
  }
}
