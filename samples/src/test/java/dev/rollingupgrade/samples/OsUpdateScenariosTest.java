package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code simulate --scenario manual} and {@code os-update SCENARIO}: the article's scenarios, step by step. */
class OsUpdateScenariosTest {
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  @Test
  void theManualScenarioWalksTheArticlesSequenceWithAHeatMapAfterEachStep() throws Exception {
    assertThat(run("simulate", "--scenario", "manual", "--seed", "3")).isZero();
    List<String> lines = lines();
    assertThat(lines).filteredOn(l -> l.matches("\\d\\. .*")).extracting(l -> l.substring(0, 2))
        .containsExactly("1.", "2.", "3.", "4.");
    int ud0 = indexOfPrefix(lines, "3. manual upgrade of update domain 0: Completed, 2 upgraded");
    assertThat(lines.subList(ud0 + 2, ud0 + 7)).containsExactly(
        "   UD 0 | H 0  H 5", "   UD 1 | O 1  O 6", "   UD 2 | O 2  O 7", "   UD 3 | O 3  O 8", "   UD 4 | O 4  O 9");
    assertThat(lines.get(indexOfPrefix(lines, "2. change the version") + 1))
        .isEqualTo("   upgradePolicy.mode Manual: nothing moves until an explicit upgrade");
    assertThat(lines).contains("4. manual upgrade of the chosen instances 1, 2, 3, 4, 6, 7, 8, 9: Completed, 8 upgraded, "
        + "0 failed, in 1 batch, 00:03:42 in");
    String digest = lines.get(lines.size() - 1);
    assertThat(digest).matches("digest: [0-9a-f]{64}");

    // the same seed gives the same digest, also in JSON (where the digest goes to stderr)
    assertThat(run("simulate", "--scenario", "manual", "--seed", "3", "--json")).isZero();
    assertThat(err.toString().strip()).isEqualTo(digest);
    JsonNode doc = new ObjectMapper().readTree(out.toString());
    assertThat(doc.get("steps")).hasSize(4);
    assertThat(doc.get("runs")).hasSize(2);
    HeatMap afterUpdate = HeatMap.fromJson(doc.get("steps").get(1).get("heatMap").toString());
    assertThat(afterUpdate.count(CellState.OUT_OF_DATE)).isEqualTo(10);
    assertThat(afterUpdate.rows()).hasSize(5);
    assertThat(run("simulate", "--scenario", "manual", "--seed", "4")).isZero();
    assertThat(lines().get(lines().size() - 1)).isNotEqualTo(digest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"platform-version", "platform-sku", "custom-image-uri", "managed-image", "automatic"})
  void eachUpdateRollsOutToEveryInstance(String scenario) {
    assertThat(run("os-update", scenario)).isZero();
    List<String> lines = lines();
    String ended = lines.get(indexOfPrefix(lines, "3. the run ended: Completed"));
    int instances = scenario.equals("platform-version") ? 5 : 10;
    assertThat(ended).contains(instances + " upgraded, 0 failed");
    if (scenario.equals("platform-version")) {
      assertThat(ended).contains("in 5 batches"); // five instances or fewer: one at a time
    }
    if (scenario.equals("automatic")) {
      assertThat(ended).contains("in 1 batch");
      assertThat(lines).contains("   WARN all 10 out-of-date instances are upgraded at once: they are unavailable "
          + "together");
    }
    assertThat(lines).contains("   C current 0 | O out of date 0 | U upgrading 0 | W waiting for health 0 | H healthy "
        + instances + " | F failed 0 | R rolled back 0");
  }

  @Test
  void inGuestPatchingIsRefusedWithExitCode2() {
    assertThat(run("os-update", "in-guest-patching")).isEqualTo(2);
    assertThat(out.toString()).contains("refused, nothing stored", "not this library's job", "Azure Update Manager");
  }

  @Test
  void theIssuesSampleCommandNeedsNoSeedButTheSingleSetSimulationDoes() {
    assertThat(run("simulate", "--scenario", "manual")).isZero();
    String digest = lines().get(lines().size() - 1);
    assertThat(run("simulate", "--scenario", "manual", "--seed", "1")).isZero();
    assertThat(lines().get(lines().size() - 1)).isEqualTo(digest);
    assertThat(run("simulate", "--instances", "10")).isEqualTo(2);
    assertThat(err.toString()).contains("--seed S is required");
  }

  @Test
  void anUnknownScenarioIsAUsageError() {
    assertThat(run("os-update", "kernel-live-patch")).isEqualTo(2);
    assertThat(err.toString()).contains("SCENARIO must be one of platform-version, platform-sku");
    assertThat(run("simulate", "--scenario", "manual", "--seed", "1", "--instances", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--instances is not for the manual scenario");
  }

  private static int indexOfPrefix(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line starts with " + prefix + " in\n" + String.join("\n", lines));
  }
}
