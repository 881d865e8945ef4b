package dev.rollingupgrade.testkit.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.plan.NaturalOrder;
import dev.rollingupgrade.core.run.InstanceOutcome;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.FaultArbitraries;
import dev.rollingupgrade.testkit.FaultScript;
import dev.rollingupgrade.testkit.ModelArbitraries;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random fleets, faults and policies, looked at at random moments of their runs: the heat map has
 * one row per update domain, each listed instance exactly once where the fleet puts it, counts that
 * add up, states that agree with the run's outcomes and events, and the same text and JSON for the
 * same run.
 */
class HeatMapPropertiesTest {
  private static final int MAX_INSTANCES = 40;

  /** One random case. */
  record Case(int instances, int zones, int updateDomains, FaultScript faults, Set<Integer> atTarget,
      Set<Integer> protectedOnes, RollingUpgradePolicy policy, Looks looks) {}

  /** Who starts the run, whether health is pushed, and when (seconds into the run) the map is looked at. */
  record Looks(UpgradeOperationInvoker startedBy, boolean push, List<Integer> atSeconds) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Set<Integer>> someInstances = Arbitraries.integers().between(0, MAX_INSTANCES - 1).set().ofMaxSize(4);
    Arbitrary<List<Integer>> moments = Arbitraries.integers().between(0, 1500).list().ofMinSize(1).ofMaxSize(4)
        .map(l -> l.stream().sorted().toList());
    return Combinators.combine(Arbitraries.integers().between(1, MAX_INSTANCES), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 6), FaultArbitraries.faultScripts(MAX_INSTANCES, 0.15), someInstances,
            someInstances, ModelArbitraries.rollingUpgradePolicies(),
            Combinators.combine(Arbitraries.of(UpgradeOperationInvoker.USER, UpgradeOperationInvoker.PLATFORM),
                Arbitraries.of(true, false), moments).as(Looks::new))
        .as(Case::new);
  }

  @Property(tries = 50)
  void theMapHasOneRowPerUpdateDomainAndAgreesWithTheRun(@ForAll("cases") Case c) {
    List<String> first = lookAt(c);
    assertThat(lookAt(c)).as("the same run gives the same maps").isEqualTo(first);
  }

  /** Runs the case, checking the map at each moment and at the end; returns every map's text and JSON. */
  private static List<String> lookAt(Case c) {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(c.instances()).zones(c.zones())
        .updateDomains(c.updateDomains()).fleet(f -> f.pushesHealth(c.looks().push())).build();
    c.faults().applyTo(env.fleet());
    List<FakeInstance> fleet = env.fleet().instances();
    c.atTarget().stream().filter(k -> k < fleet.size()).forEach(k -> fleet.get(k).runs(env.nextImage()));
    c.protectedOnes().stream().filter(k -> k < fleet.size()).forEach(k -> fleet.get(k).protectedFromScaleSetActions());
    Set<String> currentBefore = fleet.stream().filter(i -> i.image().equals(env.nextImage())).map(FakeInstance::id)
        .collect(Collectors.toSet());
    List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
    Instant begin = env.clock().now();
    RollingUpgradeRun run = env.start(env.scaleSet(c.policy()),
        u -> u.startedBy(c.looks().startedBy()).listener(events::add));
    List<String> shown = new ArrayList<>();
    for (int seconds : c.looks().atSeconds()) {
      env.clock().runUntil(begin.plusSeconds(seconds));
      shown.addAll(check(run.heatMap(), run, fleet, currentBefore, events));
    }
    env.runUntilDone();
    shown.addAll(check(run.heatMap(), run, fleet, currentBefore, events));
    return shown;
  }

  private static List<String> check(HeatMap map, RollingUpgradeRun run, List<FakeInstance> fleet,
      Set<String> currentBefore, List<UpgradeEvent> events) {
    List<InstanceOutcome> outcomes = run.outcomes();
    assertThat(map.size()).isEqualTo(outcomes.size()).isIn(0, fleet.size());
    if (map.size() > 0) {
      // one row per update domain that has instances, ascending
      List<Integer> uds = map.rows().stream().map(HeatMap.Row::updateDomain).toList();
      assertThat(uds).isSorted().doesNotHaveDuplicates()
          .containsExactlyElementsOf(new TreeSet<>(fleet.stream().map(FakeInstance::updateDomain).toList()));
      // every instance exactly once, in its row, with its zone; natural order within a row
      Map<String, FakeInstance> byId = fleet.stream().collect(Collectors.toMap(FakeInstance::id, Function.identity()));
      assertThat(map.cells()).extracting(HeatMap.Cell::instanceId).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(byId.keySet());
      for (HeatMap.Row row : map.rows()) {
        assertThat(row.cells()).isNotEmpty().allMatch(cell -> cell.updateDomain() == row.updateDomain());
        assertThat(row.cells()).extracting(HeatMap.Cell::instanceId).isSortedAccordingTo(NaturalOrder.INSTANCE);
      }
      for (HeatMap.Cell cell : map.cells()) {
        FakeInstance f = byId.get(cell.instanceId());
        assertThat(cell.updateDomain()).isEqualTo(f.updateDomain());
        assertThat(cell.zone()).isEqualTo(f.zone());
      }
    }
    // counts add up
    assertThat(map.counts().keySet()).containsExactly(CellState.values());
    assertThat(map.counts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(map.size());
    for (CellState s : CellState.values()) {
      assertThat(map.count(s)).as("count of %s", s).isEqualTo((int) map.cells().stream().filter(x -> x.state() == s)
          .count());
    }
    // each state agrees with the run's outcome and, while upgrading, with its events
    Set<String> waitStarted;
    synchronized (events) {
      waitStarted = events.stream().filter(e -> e.type() == UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED)
          .flatMap(e -> e.instanceIds().stream()).collect(Collectors.toSet());
    }
    for (InstanceOutcome o : outcomes) {
      HeatMap.Cell cell = map.cell(o.instanceId()).orElseThrow();
      CellState expected = switch (o.state()) {
        case SKIPPED -> currentBefore.contains(o.instanceId()) ? CellState.CURRENT : CellState.OUT_OF_DATE;
        case PENDING -> CellState.OUT_OF_DATE;
        case UPGRADING -> waitStarted.contains(o.instanceId()) ? CellState.WAITING_FOR_HEALTH : CellState.UPGRADING;
        case UPGRADED -> CellState.HEALTHY;
        case FAILED, ROLLBACK_FAILED -> CellState.FAILED;
        case ROLLED_BACK -> CellState.ROLLED_BACK;
      };
      assertThat(cell.state()).as("cell %s (%s)", o.instanceId(), o).isEqualTo(expected);
      assertThat(cell.batch()).isEqualTo(o.batch());
    }
    // both forms: text has a line per row, JSON reads back to the same map
    String text = map.toText(false);
    assertThat(text.lines()).hasSize(map.rows().size() + 2);
    String json = map.toJson();
    assertThat(HeatMap.fromJson(json)).isEqualTo(map);
    return List.of(text, json);
  }
}
