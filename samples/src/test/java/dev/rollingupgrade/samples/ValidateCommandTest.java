package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code validate} preflight as a user runs it: output lines and exit codes. */
class ValidateCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  private Path file(String content) throws IOException {
    Path f = dir.resolve("scale-set.json");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void theBundledExampleIsValidAndItsBehaviourIsSummarised() {
    int code = run("validate", Path.of("examples/rolling-scale-set.json").toString());
    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("ok: scale set web-vmss in westeurope, mode Rolling, batch cap 4 of 20 instances")
        .contains("health source: application health extension health");
  }

  @Test
  void everyProblemIsOneLineWithItsPathAndExitIsOne() throws IOException {
    String json = Files.readString(Path.of("examples/rolling-scale-set.json"))
        .replace("\"pauseTimeBetweenBatches\": \"PT0S\"", "\"pauseTimeBetweenBatches\": \"aaaaaaaaaaaaaaa\"")
        .replace("\"maxBatchInstancePercent\": 20", "\"maxBatchInstancePercent\": 101")
        .replace("\"not-a-real-key\"", "42");
    int code = run("validate", file(json).toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines()).containsExactly(
        "properties.upgradePolicy.rollingUpgradePolicy.maxBatchInstancePercent: must be between 5 and 100 (got 101)",
        "properties.upgradePolicy.rollingUpgradePolicy.pauseTimeBetweenBatches: must be an ISO-8601 duration such as PT0S, PT30S or PT5M (got \"aaaaaaaaaaaaaaa\")",
        "2 problems in " + dir.resolve("scale-set.json"));
  }

  @Test
  void malformedJsonExitsTwoWithLineAndColumn() throws IOException {
    int code = run("validate", file("{\n  \"name\": \"x\",\n  oops\n}").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("not valid JSON at line 3, column 3");
  }

  @Test
  void aMissingFileExitsTwo() {
    int code = run("validate", dir.resolve("nope.json").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read").contains("no such file");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("validate");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run("validate")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter");
  }
}
