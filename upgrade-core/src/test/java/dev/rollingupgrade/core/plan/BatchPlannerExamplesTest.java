package dev.rollingupgrade.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The examples of DESIGN §4 and of the planner issue, one by one. */
class BatchPlannerExamplesTest {
  private static final RollingUpgradePolicy DEFAULTS = RollingUpgradePolicy.defaults();
  private static final RollingUpgradePolicy CROSS_ZONE = RollingUpgradePolicy.builder().enableCrossZoneUpgrade(true).build();

  private static List<Integer> sizes(UpgradePlan plan) {
    return plan.batches().stream().map(Batch::size).collect(Collectors.toList());
  }

  /** Review of issue 17: an instance listed twice was planned into two batches. */
  @Test
  void anInstanceListedTwiceIsRefused() {
    List<InstanceSnapshot> fleet = new java.util.ArrayList<>(Fleets.flat(10));
    fleet.add(fleet.get(0));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchPlanner.of(DEFAULTS).plan(fleet))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instance " + fleet.get(0).instanceId()
            + " is listed twice");
  }

  @Test
  void fiveOrFewerGoOneAtATime() {
    for (int n = 1; n <= 5; n++) {
      UpgradePlan plan = BatchPlanner.of(DEFAULTS).plan(Fleets.flat(n));
      assertThat(plan.batchCap()).isEqualTo(1);
      assertThat(sizes(plan)).hasSize(n).containsOnly(1);
    }
  }

  @Test
  void tenGoTwoAtATime() {
    assertThat(sizes(BatchPlanner.of(DEFAULTS).plan(Fleets.flat(10)))).containsExactly(2, 2, 2, 2, 2);
  }

  @Test
  void sevenGoOneAtATime() {
    assertThat(sizes(BatchPlanner.of(DEFAULTS).plan(Fleets.flat(7)))).hasSize(7).containsOnly(1);
  }

  @Test
  void twentyOneMakeSixBalancedBatches() {
    UpgradePlan plan = BatchPlanner.of(DEFAULTS).plan(Fleets.flat(21));
    assertThat(plan.batchCap()).isEqualTo(4);
    assertThat(sizes(plan)).containsExactly(4, 4, 4, 3, 3, 3);
  }

  @Test
  void hundredOverThreeZonesAndFiveUpdateDomainsMakeFifteenBatches() {
    UpgradePlan plan = BatchPlanner.of(DEFAULTS).plan(Fleets.striped(100, 3, 5, 0));
    assertThat(plan.batches()).hasSize(15);
    assertThat(plan.batches()).extracting(b -> b.zone().orElseThrow())
        .containsExactly("1", "1", "1", "1", "1", "2", "2", "2", "2", "2", "3", "3", "3", "3", "3");
    assertThat(plan.batches().get(0).reason()).isEqualTo("zone 1, UD 0, 7 of 7 instances, cap 20");
    assertThat(plan.batches().get(0).instanceIds()).containsExactly("0", "15", "30", "45", "60", "75", "90");
  }

  @Test
  void crossZoneMergesZonesIntoEightBatches() {
    UpgradePlan plan = BatchPlanner.of(CROSS_ZONE).plan(Fleets.striped(100, 3, 5, 0));
    assertThat(plan.batches()).hasSize(8);
    List<Integer> perUd = new ArrayList<>();
    for (int ud = 0; ud < 5; ud++) {
      int u = ud;
      perUd.add(plan.batches().stream().filter(b -> b.updateDomain().getAsInt() == u).mapToInt(Batch::size).sum());
    }
    assertThat(perUd).containsExactly(21, 21, 21, 19, 18);
    assertThat(sizes(plan)).containsExactly(11, 10, 11, 10, 11, 10, 19, 18);
    assertThat(plan.batches().get(0).zone()).isEmpty();
    assertThat(plan.batches().get(0).reason()).isEqualTo("all zones, UD 0, 11 of 21 instances, cap 20, split into 2 balanced batches");
  }

  @Test
  void theUnhealthyBudgetShrinksABatchAndSaysWhy() {
    // 100 instances, 17 unhealthy outside the group being cut: 3 healthy may go at once
    List<InstanceSnapshot> fleet = new ArrayList<>(Fleets.flat(30));
    for (int i = 30; i < 100; i++) {
      fleet.add(new InstanceSnapshot(String.valueOf(i), Optional.empty(), 1, i < 47 ? HealthState.UNHEALTHY : HealthState.HEALTHY,
          i < 47, false));
    }
    Batch first = BatchPlanner.of(DEFAULTS).plan(fleet).batches().get(0);
    assertThat(first.size()).isEqualTo(3);
    assertThat(first.reason()).isEqualTo(
        "regional, UD 0, 3 of 30 instances, cap 20, split into 10 balanced batches, shrunk to 3: 17 of 20 allowed unhealthy already unhealthy");
  }

  @Test
  void aBatchHoldsAtLeastOneInstanceWhenTheBudgetIsSpent() {
    List<InstanceSnapshot> fleet = new ArrayList<>(Fleets.flat(80));
    for (int i = 80; i < 100; i++) {
      fleet.add(new InstanceSnapshot(String.valueOf(i), Optional.empty(), 1, HealthState.UNKNOWN, false, false));
    }
    UpgradePlan plan = BatchPlanner.of(DEFAULTS).plan(fleet);
    assertThat(plan.batches()).hasSize(80).allMatch(b -> b.size() == 1);
    assertThat(plan.batches().get(0).reason()).endsWith("shrunk to 1: 20 of 20 allowed unhealthy already unhealthy (a batch holds at least one instance)");
  }

  @Test
  void upgradingUnhealthyInstancesCostsNothing() {
    // 10 instances, all unhealthy, budget 2: the cap (2) applies, not the budget
    List<InstanceSnapshot> fleet = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fleet.add(InstanceSnapshot.healthy(String.valueOf(i), null, 0).withHealth(HealthState.UNHEALTHY));
    }
    assertThat(sizes(BatchPlanner.of(DEFAULTS).plan(fleet))).containsExactly(2, 2, 2, 2, 2);
  }

  @Test
  void unhealthyFirstWhenPrioritised() {
    List<InstanceSnapshot> fleet = new ArrayList<>(Fleets.flat(10));
    fleet.set(7, fleet.get(7).withHealth(HealthState.UNHEALTHY));
    fleet.set(9, fleet.get(9).withHealth(HealthState.UNKNOWN));
    RollingUpgradePolicy prioritised = RollingUpgradePolicy.builder().prioritizeUnhealthyInstances(true).build();
    Batch first = BatchPlanner.of(prioritised).plan(fleet).batches().get(0);
    assertThat(first.instanceIds()).containsExactly("7", "9");
    assertThat(first.reason()).endsWith("2 unhealthy first");
    // not prioritised: the 2 unhealthy use the whole budget of 2, so healthy ones go one by one
    Batch unprioritised = BatchPlanner.of(DEFAULTS).plan(fleet).batches().get(0);
    assertThat(unprioritised.instanceIds()).containsExactly("0");
    assertThat(unprioritised.reason()).contains("shrunk to 1: 2 of 2 allowed unhealthy already unhealthy");
  }

  @Test
  void atTargetAndProtectedInstancesAreNeverPlanned() {
    List<InstanceSnapshot> fleet = new ArrayList<>(Fleets.flat(10));
    fleet.set(0, new InstanceSnapshot("0", Optional.empty(), 0, HealthState.HEALTHY, false, false));
    fleet.set(1, new InstanceSnapshot("1", Optional.empty(), 0, HealthState.HEALTHY, true, true));
    UpgradePlan plan = BatchPlanner.of(DEFAULTS).plan(fleet);
    assertThat(plan.batches()).flatExtracting(Batch::instanceIds).doesNotContain("0", "1").hasSize(8);
    assertThat(plan.summary()).isEqualTo("10 instances, 8 to upgrade, 1 already at target, 1 protected, cap 2, unhealthy budget 2, 4 batches");
  }

  @Test
  void instanceIdsInNaturalOrder() {
    List<InstanceSnapshot> fleet = new ArrayList<>();
    for (String id : List.of("vm-10", "vm-2", "10", "2", "vm-1")) {
      fleet.add(InstanceSnapshot.healthy(id, null, 0));
    }
    RollingUpgradePolicy all = RollingUpgradePolicy.builder().maxBatchInstancePercent(100).maxUnhealthyInstancePercent(100).build();
    assertThat(BatchPlanner.of(all).plan(fleet).batches().get(0).instanceIds())
        .containsExactly("2", "10", "vm-1", "vm-2", "vm-10");
  }

  @Test
  void regionalFirstThenZonesInNaturalOrder() {
    List<InstanceSnapshot> fleet = List.of(InstanceSnapshot.healthy("0", "10", 0), InstanceSnapshot.healthy("1", "2", 0),
        InstanceSnapshot.healthy("2", null, 0));
    assertThat(BatchPlanner.of(DEFAULTS).plan(fleet).batches()).extracting(b -> b.zone().orElse("regional"))
        .containsExactly("regional", "2", "10");
  }

  @Test
  void withoutUpdateDomainsRespectedAZoneIsOneGroup() {
    RollingUpgradePolicy noUd = RollingUpgradePolicy.builder().respectUpdateDomains(false).build();
    UpgradePlan plan = BatchPlanner.of(noUd).plan(Fleets.striped(100, 3, 5, 0));
    // zones hold 34, 33 and 33 instances: two batches each
    assertThat(sizes(plan)).containsExactly(17, 17, 17, 16, 17, 16);
    assertThat(plan.batches().get(0).updateDomain()).isEqualTo(OptionalInt.empty());
  }

  @Test
  void nextBatchIsTheFirstBatchOfThePlanFromLiveHealth() {
    List<InstanceSnapshot> fleet = Fleets.striped(100, 3, 5, 4);
    BatchPlanner planner = BatchPlanner.of(DEFAULTS);
    assertThat(planner.nextBatch(fleet, 100, 1)).contains(planner.plan(fleet).batches().get(0));
    List<InstanceSnapshot> done = new ArrayList<>();
    for (InstanceSnapshot s : fleet) {
      done.add(new InstanceSnapshot(s.instanceId(), s.zone(), s.updateDomain(), s.health(), false, false));
    }
    assertThat(planner.nextBatch(done, 100, 16)).isEmpty();
  }
}
