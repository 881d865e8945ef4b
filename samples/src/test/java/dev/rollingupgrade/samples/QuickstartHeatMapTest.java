package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code quickstart --heat-map}: the run's heat map as each batch starts and at the end. */
class QuickstartHeatMapTest {
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
  void aMapFollowsEachBatchStartAndTheLastShowsTheEnd() {
    assertThat(run("quickstart", "--heat-map")).isZero();
    List<String> lines = lines();
    assertThat(lines).filteredOn(l -> l.startsWith("heat map of web, run ")).hasSize(11);
    int batch7 = lines.indexOf("[00:09:00] batch 7 (3, 13): zone 2, UD 1, 2 of 2 instances, cap 4");
    assertThat(lines.subList(batch7 + 1, batch7 + 8)).containsExactly(
        lines.get(batch7 + 1), // the header, with the run's id
        "UD 0 | H 0@1   H 1@2   H 10@1  H 11@2",
        "UD 1 | H 2@1   U 3@2   H 12@1  U 13@2",
        "UD 2 | H 4@1   O 5@2   H 14@1  O 15@2",
        "UD 3 | H 6@1   O 7@2   H 16@1  O 17@2",
        "UD 4 | H 8@1   O 9@2   H 18@1  O 19@2",
        "C current 0 | O out of date 6 | U upgrading 2 | W waiting for health 0 | H healthy 12 | F failed 0 "
            + "| R rolled back 0");
    assertThat(lines.get(batch7 + 1)).endsWith("at 2026-01-01T00:09:00Z: 20 instances in 5 update domains");
    int end = lines.indexOf("Heat map at the end:");
    assertThat(lines.subList(end + 2, end + 8)).containsExactly(
        "UD 0 | H 0@1   H 1@2   H 10@1  H 11@2",
        "UD 1 | H 2@1   H 3@2   H 12@1  R 13@2",
        "UD 2 | H 4@1   H 5@2   H 14@1  H 15@2",
        "UD 3 | H 6@1   H 7@2   H 16@1  H 17@2",
        "UD 4 | H 8@1   H 9@2   H 18@1  H 19@2",
        "C current 0 | O out of date 0 | U upgrading 0 | W waiting for health 0 | H healthy 19 | F failed 0 "
            + "| R rolled back 1");
    assertThat(out.toString()).doesNotContain("\u001b");
  }

  @Test
  void ansiColoursTheCells() {
    assertThat(run("quickstart", "--heat-map=ansi")).isZero();
    assertThat(out.toString()).contains("\u001b[35mR 13@2\u001b[0m", "\u001b[32mH 0@1\u001b[0m");
  }

  @Test
  void jsonPrintsOneLinePerMap() {
    assertThat(run("quickstart", "--heat-map", "json")).isZero();
    List<HeatMap> maps = lines().stream().filter(l -> l.startsWith("{\"scaleSet\"")).map(HeatMap::fromJson).toList();
    assertThat(maps).hasSize(11);
    HeatMap last = maps.get(maps.size() - 1);
    assertThat(last.count(CellState.HEALTHY)).isEqualTo(19);
    assertThat(last.cell("13").orElseThrow().state()).isEqualTo(CellState.ROLLED_BACK);
    assertThat(last.rows()).hasSize(5);
  }

  @Test
  void withoutTheOptionThereIsNoMapAndABadStyleOrJsonIsAUsageError() {
    assertThat(run("quickstart")).isZero();
    assertThat(out.toString()).doesNotContain("heat map");
    assertThat(run("quickstart", "--heat-map=sepia")).isEqualTo(2);
    assertThat(err.toString()).contains("quickstart: --heat-map must be plain, ansi or json, got sepia");
    assertThat(run("quickstart", "--json", "--heat-map")).isEqualTo(2);
    assertThat(err.toString()).contains("--heat-map is for the text output");
    assertThat(out.toString()).isEmpty();
  }
}
