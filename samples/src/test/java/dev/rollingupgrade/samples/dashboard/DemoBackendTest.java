package dev.rollingupgrade.samples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code --demo} backend, its clock moved by the test: each action moves exactly what it names. */
class DemoBackendTest {
  private final DemoBackend demo = DemoBackend.create();

  @AfterEach
  void close() {
    demo.close();
  }

  private Map<Integer, List<CellState>> statesByUpdateDomain() {
    return demo.heatMap().cells().stream().collect(Collectors.groupingBy(HeatMap.Cell::updateDomain,
        Collectors.mapping(HeatMap.Cell::state, Collectors.toList())));
  }

  private List<String> upgraded() {
    return demo.fleet().stateChangingCalls().stream().map(DriverCall::instanceId).sorted().toList();
  }

  @Test
  void beforeAnyActionEveryInstanceIsOutOfDateAndNothingMoves() {
    HeatMap map = demo.heatMap();
    assertThat(map.rows()).extracting(HeatMap.Row::updateDomain).containsExactly(0, 1, 2, 3, 4);
    assertThat(map.count(CellState.OUT_OF_DATE)).isEqualTo(20);
    assertThat(demo.lastRun()).isEmpty();
    demo.advance(Duration.ofHours(1));
    assertThat(demo.fleet().stateChangingCalls()).isEmpty();
  }

  @Test
  void anUpdateDomainMovesAloneAndItsRunCompletes() {
    assertThat(demo.upgradeUpdateDomain(0)).startsWith("started the upgrade of update domain 0: run web-");
    demo.advance(Duration.ofSeconds(1));
    assertThat(statesByUpdateDomain().get(0)).containsOnly(CellState.UPGRADING);
    demo.advance(Duration.ofMinutes(10));
    Map<Integer, List<CellState>> states = statesByUpdateDomain();
    assertThat(states.get(0)).containsExactly(CellState.HEALTHY, CellState.HEALTHY, CellState.HEALTHY,
        CellState.HEALTHY);
    for (int ud = 1; ud < 5; ud++) {
      assertThat(states.get(ud)).containsOnly(CellState.OUT_OF_DATE);
    }
    assertThat(upgraded()).containsExactly("0", "1", "10", "11");
    DashboardRun run = demo.lastRun().orElseThrow();
    assertThat(run.description()).isEqualTo("upgrade of update domain 0");
    assertThat(run.status().progress().orElseThrow().successfulInstanceCount()).isEqualTo(4);
    assertThat(run.status().runningStatus().orElseThrow().code().orElseThrow().azureName()).isEqualTo("Completed");
    // a second run keeps what the first showed for the instances it finds current
    demo.upgradeInstances(List.of("2", "0"));
    demo.advance(Duration.ofMinutes(10));
    assertThat(demo.heatMap().cell("0").orElseThrow().state()).isEqualTo(CellState.HEALTHY);
    assertThat(demo.heatMap().cell("2").orElseThrow().state()).isEqualTo(CellState.HEALTHY);
    assertThat(upgraded()).containsExactly("0", "1", "10", "11", "2");
  }

  @Test
  void unknownIdsAreNamedAndNothingIsUpgraded() {
    assertThatThrownBy(() -> demo.upgradeInstances(List.of("3", "x<1>", "20", "4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scale set web has no instance 20, x<1> (it has 20 instances); nothing was upgraded");
    assertThatThrownBy(() -> demo.upgradeInstances(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no instance ids given");
    demo.advance(Duration.ofHours(1));
    assertThat(demo.fleet().stateChangingCalls()).isEmpty();
    assertThat(demo.lastRun()).isEmpty();
  }

  @Test
  void badInputIsRefusedAsAnArgument() {
    assertThatThrownBy(() -> demo.upgradeUpdateDomain(5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scale set web has no instance in update domain 5 (its update domains: [0, 1, 2, 3, 4]); "
            + "nothing was upgraded");
    assertThatThrownBy(() -> demo.upgradeUpdateDomain(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> demo.rollingUpgrade(4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchInstancePercent must be between 5 and 100, was 4");
    assertThatThrownBy(() -> demo.rollingUpgrade(101)).isInstanceOf(IllegalArgumentException.class);
    assertThat(demo.lastRun()).isEmpty();
  }

  @Test
  void oneRunAtATimeAndCancelNeedsARun() {
    assertThatThrownBy(demo::cancel).isInstanceOf(IllegalStateException.class)
        .hasMessage("no run in progress: nothing to cancel");
    demo.rollingUpgrade(50);
    assertThatThrownBy(() -> demo.upgradeUpdateDomain(3)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is in progress: cancel it or let it finish first");
    assertThatThrownBy(() -> demo.upgradeInstances(List.of("3"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> demo.rollingUpgrade(20)).isInstanceOf(IllegalStateException.class);
    demo.advance(Duration.ofSeconds(1)); // the first batch is under way
    assertThat(demo.cancel()).contains("the batch in flight finishes");
    demo.advance(Duration.ofHours(1));
    assertThat(demo.lastRun().orElseThrow().status().runningStatus().orElseThrow().code().orElseThrow().azureName())
        .isEqualTo("Cancelled");
    // the first batch of a 50 % rolling upgrade, no more
    assertThat(upgraded()).hasSizeBetween(1, 10);
    assertThat(demo.heatMap().count(CellState.OUT_OF_DATE)).isEqualTo(20 - upgraded().size());
    assertThatThrownBy(demo::cancel).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRollingUpgradeReachesEveryInstanceAndShowsTheOneThatFails() {
    assertThat(demo.rollingUpgrade(20)).startsWith("started a rolling upgrade in batches of at most 20 %: run ");
    int minutes = 0;
    while (demo.lastRun().orElseThrow().status().runningStatus().orElseThrow().code().orElseThrow().azureName()
        .equals("RollingForward") && minutes < 120) {
      demo.advance(Duration.ofMinutes(1));
      minutes++;
    }
    // about a minute of real time at the default speed, as docs/dashboard.md says
    assertThat(minutes / DemoBackend.DEFAULT_SPEED * 60).as("seconds at the default speed").isBetween(30.0, 90.0);
    HeatMap map = demo.heatMap();
    assertThat(map.count(CellState.HEALTHY)).isEqualTo(19);
    assertThat(map.cell(DemoBackend.FAILING).orElseThrow().state()).isEqualTo(CellState.FAILED);
    assertThat(demo.upgradeInstances(List.of("0", "1"))).isEqualTo("nothing to upgrade: instances 0, 1 already run "
        + "the latest model");
    assertThat(demo.upgradeUpdateDomain(0)).isEqualTo("nothing to upgrade: every instance of update domain 0 already "
        + "runs the latest model");
  }
}
