package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code fleet} sample end to end: real child processes on loopback, real HTTP health probes
 * every 100 ms, a file journal, the system scheduler. After each command no instance process is
 * left (checked by pid).
 */
class FleetCommandTest {
  private static final Pattern PIDS = Pattern.compile("instance processes are stopped \\(pids \\[([0-9, ]*)\\]\\)");

  @TempDir
  Path dir;

  private final List<Long> seen = new ArrayList<>();

  private record Run(int code, String out, String err) {}

  private Run fleet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("fleet", "--state-dir", dir.toString(), "--probe-interval-ms", "100"));
    all.addAll(List.of(args));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    Run run = new Run(code, out.toString(), err.toString());
    Matcher m = PIDS.matcher(run.out());
    if (m.find()) {
      seen.addAll(pids(m.group(1)));
    }
    return run;
  }

  private static List<Long> pids(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** A failed test must not leave processes behind either. */
  @AfterEach
  void stopLeftovers() {
    LocalProcessDriver.recordedProcesses(dir).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void rollsEveryInstanceToTheNewVersionAndLeavesNoProcess() {
    Run run = fleet("--instances", "4", "--crash-after-batch", "99");
    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("Final status: Completed - 4 succeeded, 0 failed, 0 not upgraded; 0 rolled back")
        .contains("Instances now: 2.0.0 x4").contains("batch 4 done").contains("UD 3 | H 3")
        .contains("No crash: the run had fewer than 99 batches.");
    assertThat(seen).as("the original processes and their replacements").hasSize(8);
    assertThat(seen).noneMatch(FleetCommandTest::alive);
  }

  @Test
  void aBrokenInstanceIsRolledBackAndTheOthersStayOnTheNewVersion() {
    // the default health timeout (5 s) leaves a healthy instance time for more than one probe (each up to 2.5 s)
    Run run = fleet("--instances", "5", "--break", "1");
    assertThat(run.code()).isZero();
    // 1 failure among 5 upgraded is 20 %, not more: the run completes
    assertThat(run.out()).contains("Final status: Completed - 4 succeeded, 1 failed, 0 not upgraded; 1 rolled back")
        .contains("Instances now: 2.0.0 x4, 1.0.0 x1 {0=2.0.0, 1=2.0.0, 2=2.0.0, 3=2.0.0, 4=1.0.0}")
        .contains("4: rolled back to 1.0.0");
    assertThat(seen).hasSize(5 + 5 + 1); // the rollback started instance 4 once more
    assertThat(seen).noneMatch(FleetCommandTest::alive);
  }

  @Test
  void aCrashedRunLeavesItsInstancesRunningAndResumeFinishesItUpgradingNothingTwice() throws IOException {
    assertThat(fleet("--resume").err()).contains("nothing to resume in " + dir);
    // the orchestrating JVM really ends after batch 2; its children live on
    CliProcess.Result crash = CliProcess.run(dir, List.of(), null, "fleet", "--state-dir", dir.toString(),
        "--instances", "5", "--probe-interval-ms", "100", "--crash-after-batch", "2");
    assertThat(crash.exitCode()).as(crash.err()).isZero();
    assertThat(crash.out()).contains("Crashed after batch 2 as asked").doesNotContain("batch 3 (");
    List<ProcessHandle> survivors = LocalProcessDriver.recordedProcesses(dir);
    assertThat(survivors).hasSize(5).allMatch(ProcessHandle::isAlive);
    assertThat(fleet("--instances", "5").err()).as("a second fleet does not start over a live one")
        .contains("instances of an unfinished fleet still run from " + dir);

    Run resumed = fleet("--resume");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("5 instance processes still running").contains("run resumed from the journal")
        .contains("Final status: Completed - 5 succeeded, 0 failed, 0 not upgraded")
        .contains("Instances now: 2.0.0 x5").doesNotContain("batch 1 (").doesNotContain("batch 2 (");
    Map<String, Long> upgrades = Files.readAllLines(dir.resolve(LocalProcessDriver.CALL_LOG)).stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(upgrades).containsOnlyKeys("replace 0 2.0.0", "replace 1 2.0.0", "replace 2 2.0.0", "replace 3 2.0.0",
        "replace 4 2.0.0").allSatisfy((call, times) -> assertThat(times).as(call).isEqualTo(1));
    assertThat(survivors).noneMatch(ProcessHandle::isAlive);
    assertThat(seen).isNotEmpty().noneMatch(FleetCommandTest::alive);
    assertThat(Optional.of(LocalProcessDriver.recordedProcesses(dir))).contains(List.of());
  }

  @Test
  void resumeFinishesTheRunThatCrashedNotOneFromTheNewCommandLine() {
    Path nowhere = dir.resolve("never-made");
    StringWriter err = new StringWriter();
    assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "fleet", "--resume", "--state-dir",
        nowhere.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nothing to resume in " + nowhere);
    assertThat(nowhere).as("nothing is made for nothing to resume").doesNotExist();

    Run crash = fleet("--instances", "4", "--break", "1", "--crash-after-batch", "2");
    assertThat(crash.code()).as(crash.err()).isZero();
    assertThat(crash.out()).contains("Crashed after batch 2 as asked");
    Run conflicting = fleet("--resume", "--instances", "5");
    assertThat(conflicting.code()).isEqualTo(2);
    assertThat(conflicting.err()).contains("--instances 5 (the run was started with --instances 4)");

    Run resumed = fleet("--resume"); // no options: those of the crashed run
    assertThat(resumed.code()).as(resumed.out() + resumed.err()).isEqualTo(1);
    // as uninterrupted: instance 3 fails in batch 4 and is rolled back; 1 of 4 is over 20 %
    assertThat(resumed.out()).contains("4 instance processes still running")
        .contains("Final status: Faulted - 3 succeeded, 1 failed, 0 not upgraded; 1 rolled back")
        .contains("Instances now: 2.0.0 x3, 1.0.0 x1 {0=2.0.0, 1=2.0.0, 2=2.0.0, 3=1.0.0}");
    assertThat(seen).isNotEmpty().noneMatch(FleetCommandTest::alive);
  }

  /**
   * Ctrl-C (SIGTERM: the JVM runs its shutdown hooks) in the middle of the run stops every instance
   * process, journals nothing false (the run is abandoned first, not failed by its stopping
   * instances), and {@code --resume} finishes the run.
   */
  @Test
  void anInterruptedCommandLeavesNoProcess() throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "fleet", "--state-dir", dir.toString(),
        "--instances", "5", "--probe-interval-ms", "100"));
    Process orchestrator = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<Long> instances = new ArrayList<>();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(orchestrator.getInputStream()))) {
      String line;
      while ((line = lines.readLine()) != null && !line.contains("batch 2 (")) {
        // read on until the run is under way
      }
      assertThat(line).as("the run reached batch 2").isNotNull();
      LocalProcessDriver.recordedProcesses(dir).forEach(p -> instances.add(p.pid()));
      orchestrator.descendants().forEach(p -> instances.add(p.pid()));
      orchestrator.destroy(); // SIGTERM, as Ctrl-C
      assertThat(orchestrator.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      orchestrator.destroyForcibly();
    }
    assertThat(instances).hasSizeGreaterThanOrEqualTo(5);
    assertThat(instances).noneMatch(FleetCommandTest::alive);
    String journal = Files.readString(dir.resolve("journal.log"));
    assertThat(journal).doesNotContain("is stopping").doesNotContain("UpgradeFailed");

    Run resumed = fleet("--resume");
    assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
    assertThat(resumed.out()).contains("run resumed from the journal")
        .contains("Final status: Completed - 5 succeeded, 0 failed, 0 not upgraded").contains("Instances now: 2.0.0 x5");
    assertThat(seen).isNotEmpty().noneMatch(FleetCommandTest::alive);
  }
}
