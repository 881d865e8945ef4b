package dev.rollingupgrade.testkit.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The heat map's text (plain and ANSI) and JSON forms: layout, colours, escaping, shape and round trip. */
class HeatMapFormsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * 20 instances in 2 zones x 5 update domains (instance {@code i}: zone {@code i mod 2 + 1}, UD
   * {@code i div 2 mod 5}), zone 1 first, then zone 2. 7 is already current; 13 never becomes
   * healthy and is rolled back (a platform run); 15's upgrade call takes 2 minutes. At 17:10 batch 8
   * (zone 2, UD 2: 5 and 15) runs: 5 waits for health, 15 still upgrades.
   */
  private static HeatMap midRun() {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(20).zones(2).updateDomains(5)
        .scaleSetName("web").build();
    env.fleet().instance("13").neverBecomesHealthy();
    env.fleet().instance("15").upgradeLatency(Duration.ofMinutes(2));
    env.fleet().instance("7").runs(env.nextImage());
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    env.advance(Duration.ofSeconds(1030));
    HeatMap map = run.heatMap();
    assertThat(map.runId()).isEqualTo(run.runId());
    return map;
  }

  @Test
  void theTextHasOneLinePerUpdateDomainWithPaddedCellsAndALegend() {
    HeatMap map = midRun();
    assertThat(map.toText(false)).isEqualTo("""
        heat map of web, run %s, at 2026-01-01T00:17:10Z: 20 instances in 5 update domains
        UD 0 | H 0@1   H 1@2   H 10@1  H 11@2
        UD 1 | H 2@1   H 3@2   H 12@1  R 13@2
        UD 2 | H 4@1   W 5@2   H 14@1  U 15@2
        UD 3 | H 6@1   C 7@2   H 16@1  O 17@2
        UD 4 | H 8@1   O 9@2   H 18@1  O 19@2
        C current 1 | O out of date 3 | U upgrading 1 | W waiting for health 1 | H healthy 13 | F failed 0 \
        | R rolled back 1
        """.formatted(map.runId()));
    assertThat(map.toString()).isEqualTo(map.toText(false));
  }

  @Test
  void ansiModeColoursEachCellByItsStateAndPlainModeHasNoEscapeAtAll() {
    HeatMap map = midRun();
    String plain = map.toText(false);
    String ansi = map.toText(true);
    assertThat(plain).doesNotContain("\u001b");
    assertThat(ansi).contains("\u001b[32mH 0@1\u001b[0m", "\u001b[35mR 13@2\u001b[0m", "\u001b[33mW 5@2\u001b[0m",
        "\u001b[34mU 15@2\u001b[0m", "\u001b[36mC 7@2\u001b[0m", "\u001b[90mO 17@2\u001b[0m",
        "\u001b[1;31mF failed\u001b[0m 0");
    assertThat(ansi.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain); // the same text, coloured
  }

  @Test
  void controlCharactersInIdsAndZonesCannotReachTheTerminal() {
    HeatMap map = HeatMap.of("web\u001b]0;x\u0007", "r1", T, List.of(
        new HeatMap.Cell("evil\u001b[2J", Optional.of("z\u202e1"), 0, CellState.HEALTHY, 1),
        new HeatMap.Cell("fine", Optional.empty(), 0, CellState.FAILED, 1)));
    for (boolean ansi : new boolean[] {false, true}) {
      String text = map.toText(ansi);
      assertThat(text).contains("evil\\u001b[2J@z\\u202e1", "heat map of web\\u001b]0;x\\u0007,")
          .doesNotContain("\u202e", "\u0007", "\u001b[2J");
    }
    assertThat(map.toText(false)).doesNotContain("\u001b");
    assertThat(HeatMap.fromJson(map.toJson())).isEqualTo(map); // JSON keeps the id as it is
  }

  @Test
  void anEmptyMapHasTheHeaderAndTheLegend() {
    assertThat(HeatMap.of("web", "r1", T, List.of()).toText(false)).isEqualTo("""
        heat map of web, run r1, at 2026-01-01T00:00:00Z: 0 instances in 0 update domains
        C current 0 | O out of date 0 | U upgrading 0 | W waiting for health 0 | H healthy 0 | F failed 0 \
        | R rolled back 0
        """);
  }

  @Test
  void theJsonHasAFixedShapeAndReadsBackToTheSameMap() throws Exception {
    HeatMap map = midRun();
    String json = map.toJson();
    assertThat(json).doesNotContain("\n").isEqualTo(map.toJson());
    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(names(root)).containsExactly("scaleSet", "runId", "time", "counts", "rows");
    assertThat(root.get("scaleSet").asText()).isEqualTo("web");
    assertThat(root.get("time").asText()).isEqualTo("2026-01-01T00:17:10Z");
    assertThat(names(root.get("counts"))).containsExactly("current", "outOfDate", "upgrading", "waitingForHealth",
        "healthy", "failed", "rolledBack");
    assertThat(root.get("counts").get("healthy").asInt()).isEqualTo(13);
    JsonNode rows = root.get("rows");
    assertThat(rows).hasSize(5);
    assertThat(names(rows.get(2))).containsExactly("updateDomain", "cells");
    assertThat(rows.get(2).get("updateDomain").asInt()).isEqualTo(2);
    JsonNode cell = rows.get(2).get("cells").get(3);
    assertThat(names(cell)).containsExactly("instanceId", "zone", "state", "batch");
    assertThat(cell.toString()).isEqualTo("{\"instanceId\":\"15\",\"zone\":\"2\",\"state\":\"upgrading\",\"batch\":8}");
    assertThat(HeatMap.fromJson(json)).isEqualTo(map);
    assertThat(HeatMap.fromJson(json).toJson()).isEqualTo(json);
  }

  @Test
  void aRegionalInstanceHasANullZoneAndUnknownFieldsAreIgnored() {
    HeatMap map = HeatMap.of("web", "r1", T, List.of(new HeatMap.Cell("10", Optional.empty(), 1, CellState.CURRENT, 0),
        new HeatMap.Cell("2", Optional.empty(), 1, CellState.OUT_OF_DATE, 0)));
    assertThat(map.toJson()).contains("{\"instanceId\":\"2\",\"zone\":null,\"state\":\"outOfDate\",\"batch\":0},"
        + "{\"instanceId\":\"10\"");
    String newer = map.toJson().replace("{\"scaleSet\"", "{\"format\":2,\"scaleSet\"")
        .replace("\"batch\":0}", "\"batch\":0,\"health\":\"Healthy\"}");
    assertThat(HeatMap.fromJson(newer)).isEqualTo(map);
  }

  @Test
  void aDocumentThatIsNotAHeatMapIsRefusedNamingTheField() {
    String good = HeatMap.of("web", "r1", T, List.of(new HeatMap.Cell("0", Optional.of("1"), 0, CellState.HEALTHY, 1)))
        .toJson();
    assertThatThrownBy(() -> HeatMap.fromJson("{")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a heat map: the text is not JSON");
    assertThatThrownBy(() -> HeatMap.fromJson("[]")).hasMessage("not a heat map: expected a JSON object");
    assertThatThrownBy(() -> HeatMap.fromJson(good.replace("\"runId\":\"r1\",", "")))
        .hasMessage("heat map field runId: expected a string");
    assertThatThrownBy(() -> HeatMap.fromJson(good.replace("healthy\"", "fine\"")))
        .hasMessageStartingWith("heat map field rows[0].cells[0].state: unknown heat map cell state 'fine'");
    assertThatThrownBy(() -> HeatMap.fromJson(good.replace("\"updateDomain\":0", "\"updateDomain\":-1")))
        .hasMessage("heat map field rows[0].updateDomain: expected a whole number, 0 or more");
    assertThatThrownBy(() -> HeatMap.fromJson(good.replace("\"healthy\":1", "\"healthy\":2")))
        .hasMessage("heat map field counts.healthy is 2 but 1 cells are healthy");
    assertThatThrownBy(() -> HeatMap.fromJson(good.replace("2026-01-01T00:00:00Z", "yesterday")))
        .hasMessage("heat map field time: not an ISO-8601 instant: yesterday");
  }

  @Test
  void cellsInAnyOrderMakeTheSameMap() {
    List<HeatMap.Cell> cells = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      cells.add(new HeatMap.Cell("vm-" + i, Optional.of(String.valueOf(i % 3 + 1)), i % 4, CellState.OUT_OF_DATE, 0));
    }
    HeatMap ordered = HeatMap.of("web", "r1", T, cells);
    java.util.Collections.reverse(cells);
    assertThat(HeatMap.of("web", "r1", T, cells)).isEqualTo(ordered);
    assertThat(ordered.rows()).extracting(HeatMap.Row::updateDomain).containsExactly(0, 1, 2, 3);
    assertThat(ordered.rows().get(0).cells()).extracting(HeatMap.Cell::instanceId)
        .containsExactly("vm-0", "vm-4", "vm-8", "vm-12", "vm-16", "vm-20", "vm-24", "vm-28");
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
