package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line fed bad input, one test per finding of issue 17: each gets a message and the
 * right exit code (1 an invalid document, 2 bad usage or unreadable input), never a stack trace.
 */
class BadInputTest {
  private static final String EXAMPLE = "examples/rolling-scale-set.json";
  private static final String INSTANCES = "examples/rolling-scale-set-instances.json";
  private static final String SUPPORTED = "--supported-image=Canonical:ubuntu-24_04-lts:server";

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    assertNoStackTrace(out.toString() + err);
    return code;
  }

  static void assertNoStackTrace(String printed) {
    assertThat(printed).doesNotContain("\tat ", "Exception in thread", "Caused by:", "Exception:");
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private Path file(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static String example() throws IOException {
    return Files.readString(Path.of(EXAMPLE));
  }

  // ---- size ----

  @Test
  void anEndlessOrHugeFileIsRefusedWithTheLimitAndExitTwo() throws IOException {
    Path huge = dir.resolve("huge.json");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30); // 3 GiB, sparse: no disk used
    }
    assertThat(run("validate", huge.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("cannot read " + huge + ": larger than 64 MiB, the most the SDK reads\n");
    assertThat(run("plan", "--rollout", huge.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("larger than 64 MiB");
    assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero here");
    assertThat(run("validate", "/dev/zero")).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read /dev/zero: larger than 64 MiB");
  }

  // ---- encodings ----

  @Test
  void aByteOrderMarkIsAcceptedInUtf8AndUtf16() throws IOException {
    String json = example();
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[utf8.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(utf8, 0, withBom, 3, utf8.length);
    byte[] utf16 = ("\uFEFF" + json).getBytes(StandardCharsets.UTF_16LE); // what PowerShell's > writes
    byte[] utf16be = ("\uFEFF" + json).getBytes(StandardCharsets.UTF_16BE);
    for (Path f : List.of(file("bom8.json", withBom), file("bom16le.json", utf16), file("bom16be.json", utf16be))) {
      assertThat(run("validate", SUPPORTED, f.toString())).as(f.toString()).isZero();
      assertThat(out.toString()).startsWith("ok: scale set web-vmss in westeurope").doesNotContain("\uFEFF");
    }
  }

  @Test
  void anotherEncodingIsNamed() throws IOException {
    Path utf16 = file("utf16.json", example().getBytes(StandardCharsets.UTF_16LE));
    assertThat(run("validate", utf16.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("looks like UTF-16 without a byte order mark");
    Path latin1 = file("latin1.json", new byte[] {'{', '"', 'n', (byte) 0xE9, '"', '}'});
    assertThat(run("validate", latin1.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("not UTF-8 text: byte 0xE9 at offset 3").doesNotContain("Input length");
    assertThat(run("plan", "--file", latin1.toString(), "--instances-file", INSTANCES)).isEqualTo(2);
    assertThat(err.toString()).contains("--file: cannot read " + latin1 + ": not UTF-8 text");
  }

  // ---- messages ----

  @Test
  void parserMessagesNameNoParserInternals() throws IOException {
    List<String> broken = List.of("{} {}", "{/* note */ \"name\": \"x\"}", "{\"a\": NaN}", "{\"a\": [1, 2", "[1}",
        "{\"a\": +1}", "\u001b[2J");
    for (String json : broken) {
      Path f = file("broken.json", json);
      for (String[] command : List.of(new String[] {"validate", f.toString()}, new String[] {"plan", "--rollout", f.toString()},
          new String[] {"plan", "--file", f.toString(), "--instances-file", INSTANCES})) {
        assertThat(run(command)).as(json).isEqualTo(2);
        assertThat(err.toString()).as(json).contains("not valid JSON at line 1, column ")
            .doesNotContain("Source", "REDACTED", "`", "Feature", "FAIL_ON", "ALLOW_", "fasterxml", "JsonNode",
                "CTRL-CHAR", "line 0", "column 0", "\u001b");
      }
    }
    run("validate", file("trailing.json", "{} {}").toString());
    assertThat(err.toString()).contains("more JSON after the end of the document");
    run("validate", file("comment.json", "{/* note */}").toString());
    assertThat(err.toString()).contains("JSON has no comments");
    run("validate", file("esc.json", "\u001b[2J").toString());
    assertThat(err.toString()).contains("control character U+001B");
  }

  @Test
  void anUnreadableFileSaysWhyNotItsNameTwice() throws IOException {
    assertThat(run("validate", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("cannot read " + dir + ": it is a directory\n");
  }

  @Test
  void aFileWithoutReadPermissionSaysPermissionDenied() throws IOException {
    Path locked = file("locked.json", "{}");
    assumeTrue(locked.toFile().setReadable(false, false) && !Files.isReadable(locked), "root reads everything");
    assertThat(run("validate", locked.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("cannot read " + locked + ": permission denied\n");
  }

  @Test
  void planNamesWhichOfItsTwoFilesFailed() throws IOException {
    Path bad = file("bad.json", "{\"name\": ");
    assertThat(run("plan", "--file", bad.toString(), "--instances-file", INSTANCES)).isEqualTo(2);
    assertThat(err.toString()).startsWith("plan: --file " + bad + ": not valid JSON");
    assertThat(run("plan", "--file", EXAMPLE, "--instances-file", bad.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("plan: --instances-file " + bad + ": not valid JSON");
    Path unnamed = file("unnamed.json", example().replace("\"name\": \"web-vmss\",", ""));
    assertThat(run("plan", "--file", unnamed.toString(), "--instances-file", INSTANCES)).isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly("plan: --file " + unnamed + ": 1 problem:",
        "  name: is required: the scale set's name (got null)");
    assertThat(run("plan", "--file", EXAMPLE, "--instances-file", dir.resolve("none.json").toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("plan: --instances-file: cannot read " + dir.resolve("none.json") + ": no such file\n");
  }

  @Test
  void aNumberBeyondADoubleIsNotShownAsInfinity() throws IOException {
    assertThat(run("validate", file("big.json", example().replace("\"web-vmss\"", "1e309")).toString())).isEqualTo(1);
    assertThat(out.toString()).contains("name: must be a string (got a number too large for a double)")
        .doesNotContain("Infinity");
    Path rollout = file("rollout.json", "{\"scaleSets\": [{\"name\": \"a\", \"location\": \"eastus\", \"capacity\": -1e999,"
        + " \"imageReference\": {\"publisher\": \"p\", \"offer\": \"o\", \"sku\": \"s\", \"version\": \"latest\"}}]}");
    assertThat(run("plan", "--rollout", rollout.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("scaleSets[0].capacity: must be a whole number from 0 to 10000000 "
        + "(got a number too large for a double)").doesNotContain("Infinity");
  }

  @Test
  void controlCharactersFromTheInputAreEscaped() throws IOException {
    Path f = file("esc.json", example().replace("\"web-vmss\"", "\"web\\u0000\\u001b[31mred\\r\"")
        .replace("\"capacity\": 20", "\"capacity\": 20, \"\\u001b]0;title\\u0007\": 1"));
    assertThat(run("validate", SUPPORTED, f.toString())).isZero();
    assertThat(out.toString()).startsWith("ok: scale set web\\u0000\\u001b[31mred\\u000d in westeurope");
    assertThat(err.toString()).startsWith("warning: sku.\\u001b]0;title\\u0007: unknown field, ignored");
    assertThat(out.toString() + err).doesNotContain("\u0000", "\u001b", "\u0007", "\r");
    // the ids of a real instance list reach the terminal too
    Path instances = file("ids.json", Files.readString(Path.of(INSTANCES)).replace("\"instanceId\": \"0\"",
        "\"instanceId\": \"0\\u001b[1A\""));
    assertThat(run("plan", "--file", EXAMPLE, "--instances-file", instances.toString())).isZero();
    assertThat(out.toString()).contains("0\\u001b[1A").doesNotContain("\u001b");
  }

  @Test
  void terminalTextKeepsLineEndsAndTabsAndEscapesTheRest() {
    assertThat(TerminalText.escape("a\tb\r\nc\rd\u0085e\u202Ef\u007f")).isEqualTo("a\tb\r\nc\\u000dd\\u0085e\\u202ef\\u007f");
    StringWriter sink = new StringWriter();
    PrintWriter safe = TerminalText.safe(new PrintWriter(sink));
    safe.print("x\r");
    safe.print("\ny\r");
    safe.print("z\u001b");
    safe.close();
    assertThat(sink).hasToString("x\r\ny\\u000dz\\u001b");
  }

  // ---- values ----

  @Test
  void aTopLevelArrayIsNoScaleSet() throws IOException {
    assertThat(run("validate", file("array.json", "[" + example() + "]").toString())).isEqualTo(1);
    assertThat(out.toString()).startsWith("(document): the scale set document must be a JSON object, got an array");
  }

  @Test
  void aCapacityBeyondTheMaximumIsAProblemNotAnOverflow() throws IOException {
    Path f = file("capacity.json", example().replace("\"capacity\": 20", "\"capacity\": 9223372036854775807"));
    assertThat(run("validate", SUPPORTED, f.toString())).isEqualTo(1);
    assertThat(out.toString()).startsWith("sku.capacity: must be between 0 and 10000000 (got 9223372036854775807)")
        .doesNotContain("batch cap");
    Path most = file("most.json", example().replace("\"capacity\": 20", "\"capacity\": 10000000"));
    assertThat(run("validate", SUPPORTED, most.toString())).isZero();
    assertThat(out.toString()).contains("batch cap 2000000 of 10000000 instances");
  }

  @Test
  void pauseAndHealthTimeoutAreBoundedUnderTheirPaths() throws IOException {
    String policy = "\"pauseTimeBetweenBatches\": \"PT0S\"";
    Path f = file("long.json", example().replace(policy,
        "\"pauseTimeBetweenBatches\": \"PT2562047788015215H\", \"healthTimeout\": \"PT25H\""));
    assertThat(run("validate", SUPPORTED, f.toString())).isEqualTo(1);
    assertThat(out.toString().lines()).containsExactly(
        "properties.upgradePolicy.rollingUpgradePolicy.healthTimeout: must be an ISO-8601 duration more than PT0S and "
            + "at most PT24H, such as PT5M (got PT25H)",
        "properties.upgradePolicy.rollingUpgradePolicy.pauseTimeBetweenBatches: must be an ISO-8601 duration from PT0S "
            + "to PT24H, such as PT0S or PT30S (got PT2562047788015215H)",
        "2 problems in " + f);
    Path day = file("day.json", example().replace(policy, "\"pauseTimeBetweenBatches\": \"PT24H\", \"healthTimeout\": \"PT24H\""));
    assertThat(run("validate", SUPPORTED, day.toString())).isZero();
  }

  @Test
  void anInstanceListWithoutItsValueArrayIsAProblemNotZeroBatches() throws IOException {
    for (String json : List.of("{}", example(), "{\"valu\": []}")) {
      Path f = file("instances.json", json);
      assertThat(run("plan", "--file", EXAMPLE, "--instances-file", f.toString())).as(json).isEqualTo(1);
      assertThat(err.toString()).as(json).startsWith("plan: --instances-file " + f + ": 1 problem:\n  value: no `value` array");
      assertThat(out.toString()).isEmpty();
    }
    assertThat(err.toString()).contains("the document has valu");
    // a bare array, as `az vmss list-instances` prints it, is a list
    Path bare = file("bare.json", "[]");
    assertThat(run("plan", "--file", EXAMPLE, "--instances-file", bare.toString())).isZero();
  }

  // ---- options ----

  @Test
  void messagesNameTheOptionNotTheBuilderField() {
    assertThat(run("plan", "--instances", "10", "--max-batch-percent", "3")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("plan: --max-batch-percent must be between 5 and 100 (got 3)\n");
    assertThat(run("plan", "--instances", "10", "--max-unhealthy-percent", "101")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("plan: --max-unhealthy-percent must be between 5 and 100 (got 101)\n");
    assertThat(run("simulate", "--seed", "1", "--instances", "10", "--update-domains", "0")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("simulate: --update-domains must be between 1 and 20 (got 0)\n");
    assertThat(run("simulate", "--seed", "1", "--instances", "10", "--zones", "4")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("simulate: --zones must be between 1 and 3 (got 4)\n");
    assertThat(run("simulate", "--seed", "1", "--instances", "10", "--fault-rate", "NaN")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("simulate: --fault-rate must be between 0 and 1 (got NaN)\n");
    assertThat(run("simulate", "--seed", "1", "--instances", "10", "--fault-rate", "1e309")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("simulate: --fault-rate must be between 0 and 1 (got a number too large)\n");
    assertThat(run("simulate", "--seed", "1", "--instances", "10", "--crash-after-batch", "-1")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("simulate: --crash-after-batch must be 0 or more (got -1)\n");
  }

  @Test
  void aNegativeZeroFaultRateIsZero() {
    assertThat(run("simulate", "--seed", "3", "--instances", "30", "--fault-rate", "0")).isZero();
    String zero = out.toString();
    assertThat(run("simulate", "--seed", "3", "--instances", "30", "--fault-rate", "-0.0")).isZero();
    assertThat(out.toString()).contains("fault rate 0.0").doesNotContain("-0.0");
    assertThat(out.toString().lines().reduce((a, b) -> b)).isEqualTo(zero.lines().reduce((a, b) -> b));
  }

  // ---- unknown fields and request bodies ----

  @Test
  void anUnknownFieldIsAWarningWithItsPathAndExitStaysZero() throws IOException {
    Path f = file("typo.json", example().replace("\"maxBatchInstancePercent\": 20", "\"maxBatchInstancePerc\": 50")
        .replace("\"upgradePolicy\": {", "\"upgradepolicy\": {}, \"upgradePolicy\": {"));
    assertThat(run("validate", SUPPORTED, f.toString())).isZero();
    assertThat(err.toString().lines()).containsExactly(
        "warning: properties.upgradepolicy: unknown field, ignored; did you mean upgradePolicy? (got an object)",
        "warning: properties.upgradePolicy.rollingUpgradePolicy.maxBatchInstancePerc: unknown field, ignored; "
            + "did you mean maxBatchInstancePercent? (got 50)");
    assertThat(out.toString()).startsWith("ok: ").contains("batch cap 4 of 20"); // the typo left the default
    // free-form parts (an extension's settings) may hold anything
    assertThat(run("validate", SUPPORTED, EXAMPLE)).isZero();
    assertThat(err.toString()).isEmpty();
    // review of issue 17: plan --file warns too (it plans with the default the typo left)
    assertThat(run("plan", "--file", f.toString(), "--instances-file", INSTANCES)).isZero();
    assertThat(err.toString().lines()).hasSize(2).allMatch(l -> l.startsWith("warning: --file " + f + ": "))
        .anyMatch(l -> l.contains("maxBatchInstancePerc: unknown field, ignored; did you mean maxBatchInstancePercent?"));
  }

  @Test
  void aRequestBodyWithoutANameValidatesOrTakesTheNameOption() throws IOException {
    Path body = file("put-body.json", example().replace("\"name\": \"web-vmss\",", ""));
    assertThat(run("validate", SUPPORTED, body.toString())).isZero();
    assertThat(out.toString()).startsWith("ok: scale set without a name (a request body; --name names it) in westeurope");
    assertThat(run("validate", SUPPORTED, "--name", "web", body.toString())).isZero();
    assertThat(out.toString()).startsWith("ok: scale set web in westeurope");
    assertThat(err.toString()).isEmpty();
    assertThat(run("validate", SUPPORTED, "--name", "other", EXAMPLE)).isZero();
    assertThat(out.toString()).startsWith("ok: scale set web-vmss in");
    assertThat(err.toString()).isEqualTo("warning: --name other is ignored: the file names the scale set web-vmss\n");
    // where the library needs the name, it is still required
    assertThat(run("plan", "--file", body.toString(), "--instances-file", INSTANCES)).isEqualTo(1);
    assertThat(err.toString()).contains("name: is required");
  }

  // ---- bench ----

  @Test
  void benchExitsOneAndNamesTheFiguresThatMissTheirTargets() {
    StringWriter table = new StringWriter();
    StringWriter problems = new StringWriter();
    List<BenchCommand.Figure> met = List.of(new BenchCommand.Figure("planner-1m-ms", 300, "ms", "< 1000", true, "x"));
    assertThat(BenchCommand.report(met, new PrintWriter(table), new PrintWriter(problems), true)).isZero();
    assertThat(problems.toString()).isEmpty();
    List<BenchCommand.Figure> missed = List.of(met.get(0),
        new BenchCommand.Figure("parallel-ratio", 2.5, "x", "<= 1.5", false, "y"));
    assertThat(BenchCommand.report(missed, new PrintWriter(table), new PrintWriter(problems), true)).isEqualTo(1);
    assertThat(problems.toString()).isEqualTo("bench: 1 figure misses its target: parallel-ratio 2.500 (target <= 1.5)\n");
    // quick runs only advise
    problems.getBuffer().setLength(0);
    assertThat(BenchCommand.report(missed, new PrintWriter(table), new PrintWriter(problems), false)).isZero();
    assertThat(problems.toString()).startsWith("bench --quick (advisory").contains("parallel-ratio 2.500");
    assertThat(table.toString()).contains("parallel-ratio: 2.500");
  }

  /** Review of issue 17: no subcommand printed the usage on stdout and exited 0. */
  @Test
  void noSubcommandIsBadUsage() {
    assertThat(run()).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("Usage: upgrade-samples").contains("quickstart");
  }
}
