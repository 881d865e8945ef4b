package dev.rollingupgrade.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of DESIGN §4 over random fleets (1..5000 instances, 1..3 zones, 1..20 UDs) and policies. */
class BatchPlannerPropertiesTest {

  /** A random fleet and policy; {@code seed} drives placement, health and ids. */
  record Case(List<InstanceSnapshot> fleet, RollingUpgradePolicy policy, boolean allHealthy) {
    @Override
    public String toString() {
      return fleet.size() + " instances, allHealthy=" + allHealthy + ", " + policy;
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<RollingUpgradePolicy> policies = Combinators.combine(
            Arbitraries.integers().between(5, 100), Arbitraries.integers().between(5, 100),
            Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as((batch, unhealthy, crossZone, prioritize, respectUd) -> RollingUpgradePolicy.builder()
            .maxBatchInstancePercent(batch).maxUnhealthyInstancePercent(unhealthy)
            .enableCrossZoneUpgrade(crossZone).prioritizeUnhealthyInstances(prioritize)
            .respectUpdateDomains(respectUd).build());
    Arbitrary<Integer> sizes = Arbitraries.oneOf(Arbitraries.integers().between(1, 60),
        Arbitraries.integers().between(1, 5000));
    return Combinators.combine(sizes, Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 20),
            Arbitraries.longs(), Arbitraries.of(true, false), policies)
        .as((n, zones, uds, seed, allHealthy, policy) -> new Case(fleet(n, zones, uds, seed, allHealthy), policy, allHealthy));
  }

  private static List<InstanceSnapshot> fleet(int n, int zones, int uds, long seed, boolean allHealthy) {
    Random random = new Random(seed);
    double unhealthyRate = allHealthy ? 0 : random.nextDouble() * 0.5;
    boolean named = random.nextInt(4) == 0;
    List<InstanceSnapshot> fleet = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      HealthState health = random.nextDouble() < unhealthyRate
          ? HealthState.values()[1 + random.nextInt(2)] : HealthState.HEALTHY;
      boolean needsUpgrade = allHealthy || random.nextInt(10) != 0;
      boolean protectedInstance = !allHealthy && random.nextInt(20) == 0;
      fleet.add(new InstanceSnapshot(named ? "vm-" + i : String.valueOf(i), Optional.of(String.valueOf(1 + random.nextInt(zones))),
          random.nextInt(uds), health, needsUpgrade, protectedInstance));
    }
    return fleet;
  }

  private static String groupOf(InstanceSnapshot s, RollingUpgradePolicy p) {
    return (p.enableCrossZoneUpgrade() ? "*" : s.zone().orElse("")) + "/" + (p.respectUpdateDomains() ? s.updateDomain() : -1);
  }

  @Property(tries = 150)
  void everyBatchHoldsOneToCapInstancesOfOneZoneAndOneUpdateDomain(@ForAll("cases") Case c) {
    UpgradePlan plan = BatchPlanner.of(c.policy()).plan(c.fleet());
    Map<String, InstanceSnapshot> byId = c.fleet().stream().collect(Collectors.toMap(InstanceSnapshot::instanceId, s -> s));
    int cap = Math.max(1, c.fleet().size() * c.policy().maxBatchInstancePercent() / 100);
    assertThat(plan.batchCap()).isEqualTo(cap);
    for (Batch b : plan.batches()) {
      assertThat(b.size()).isBetween(1, cap);
      Set<String> zones = b.instanceIds().stream().map(id -> byId.get(id).zone().orElse("")).collect(Collectors.toSet());
      Set<Integer> uds = b.instanceIds().stream().map(id -> byId.get(id).updateDomain()).collect(Collectors.toSet());
      if (!c.policy().enableCrossZoneUpgrade()) {
        assertThat(zones).as("zones of batch %d", b.number()).hasSize(1);
      }
      if (c.policy().respectUpdateDomains()) {
        assertThat(uds).as("update domains of batch %d", b.number()).hasSize(1);
      }
    }
  }

  @Property(tries = 150)
  void everyCandidateIsPlannedExactlyOnceAndNothingElse(@ForAll("cases") Case c) {
    UpgradePlan plan = BatchPlanner.of(c.policy()).plan(c.fleet());
    List<String> planned = plan.batches().stream().flatMap(b -> b.instanceIds().stream()).collect(Collectors.toList());
    Set<String> candidates = c.fleet().stream()
        .filter(s -> s.needsUpgrade() && !s.protectedFromScaleSetActions())
        .map(InstanceSnapshot::instanceId).collect(Collectors.toSet());
    assertThat(new HashSet<>(planned)).hasSize(planned.size()).isEqualTo(candidates);
    assertThat(plan.candidateCount()).isEqualTo(candidates.size());
  }

  @Property(tries = 150)
  void allHealthyPlansHaveTheMinimumNumberOfBalancedBatches(@ForAll("cases") Case c) {
    if (!c.allHealthy()) {
      return;
    }
    int n = c.fleet().size();
    int cap = Math.max(1, n * c.policy().maxBatchInstancePercent() / 100);
    int budget = n * c.policy().maxUnhealthyInstancePercent() / 100;
    int effective = Math.max(1, Math.min(cap, budget));
    Map<String, Integer> groupSizes = new LinkedHashMap<>();
    c.fleet().forEach(s -> groupSizes.merge(groupOf(s, c.policy()), 1, Integer::sum));
    int lowerBound = groupSizes.values().stream().mapToInt(g -> (g + effective - 1) / effective).sum();

    UpgradePlan plan = BatchPlanner.of(c.policy()).plan(c.fleet());
    assertThat(plan.batches()).hasSize(lowerBound);
    Map<String, InstanceSnapshot> byId = c.fleet().stream().collect(Collectors.toMap(InstanceSnapshot::instanceId, s -> s));
    Map<String, List<Integer>> sizesPerGroup = new LinkedHashMap<>();
    for (Batch b : plan.batches()) {
      sizesPerGroup.computeIfAbsent(groupOf(byId.get(b.instanceIds().get(0)), c.policy()), k -> new ArrayList<>()).add(b.size());
    }
    sizesPerGroup.forEach((group, sizes) ->
        assertThat(Collections.max(sizes) - Collections.min(sizes)).as("sizes in group %s: %s", group, sizes).isLessThanOrEqualTo(1));
  }

  @Property(tries = 150)
  void noBatchSpendsMoreThanTheUnhealthyBudgetUnlessItHoldsOneInstance(@ForAll("cases") Case c) {
    int budget = c.fleet().size() * c.policy().maxUnhealthyInstancePercent() / 100;
    Map<String, InstanceSnapshot> byId = c.fleet().stream().collect(Collectors.toMap(InstanceSnapshot::instanceId, s -> s));
    int unhealthy = (int) c.fleet().stream().filter(InstanceSnapshot::isUnhealthy).count();
    for (Batch b : BatchPlanner.of(c.policy()).plan(c.fleet()).batches()) {
      long unhealthyInBatch = b.instanceIds().stream().filter(id -> byId.get(id).isUnhealthy()).count();
      long healthyInBatch = b.size() - unhealthyInBatch;
      // taking down a healthy instance must fit the budget; an unhealthy one costs nothing
      if (b.size() > 1 && healthyInBatch > 0) {
        assertThat(unhealthy + healthyInBatch).as("batch %d: %s", b.number(), b.reason()).isLessThanOrEqualTo(budget);
      }
      unhealthy -= unhealthyInBatch; // the projection: upgraded instances come back healthy
    }
  }

  @Property(tries = 100)
  void theSameFleetInAnyOrderGivesTheSamePlan(@ForAll("cases") Case c, @ForAll long shuffleSeed) {
    UpgradePlan plan = BatchPlanner.of(c.policy()).plan(c.fleet());
    List<InstanceSnapshot> shuffled = new ArrayList<>(c.fleet());
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    assertThat(BatchPlanner.of(c.policy()).plan(shuffled)).isEqualTo(plan);
    assertThat(BatchPlanner.of(c.policy()).plan(c.fleet())).isEqualTo(plan);
  }

  @Property(tries = 100)
  void withinAGroupInstancesFollowNaturalIdOrderUnlessUnhealthyArePrioritised(@ForAll("cases") Case c) {
    Map<String, InstanceSnapshot> byId = c.fleet().stream().collect(Collectors.toMap(InstanceSnapshot::instanceId, s -> s));
    Map<String, List<InstanceSnapshot>> order = new LinkedHashMap<>();
    for (Batch b : BatchPlanner.of(c.policy()).plan(c.fleet()).batches()) {
      for (String id : b.instanceIds()) {
        order.computeIfAbsent(groupOf(byId.get(id), c.policy()), k -> new ArrayList<>()).add(byId.get(id));
      }
    }
    for (List<InstanceSnapshot> group : order.values()) {
      for (int i = 1; i < group.size(); i++) {
        InstanceSnapshot a = group.get(i - 1);
        InstanceSnapshot b = group.get(i);
        if (c.policy().prioritizeUnhealthyInstances() && a.isUnhealthy() != b.isUnhealthy()) {
          assertThat(a.isUnhealthy()).as("unhealthy before healthy").isTrue();
          continue;
        }
        int zoneOrder = NaturalOrder.INSTANCE.compare(a.zone().orElse(""), b.zone().orElse(""));
        int udOrder = Integer.compare(a.updateDomain(), b.updateDomain());
        int idOrder = NaturalOrder.INSTANCE.compare(a.instanceId(), b.instanceId());
        int combined = zoneOrder != 0 ? zoneOrder : udOrder != 0 ? udOrder : idOrder;
        assertThat(combined).as("%s before %s", a.instanceId(), b.instanceId()).isNegative();
      }
    }
  }

  @Property(tries = 200)
  void naturalOrderComparesDigitRunsAsNumbers(@ForAll("ids") String a, @ForAll("ids") String b) {
    int ab = NaturalOrder.INSTANCE.compare(a, b);
    assertThat(Integer.signum(NaturalOrder.INSTANCE.compare(b, a))).isEqualTo(-Integer.signum(ab));
    assertThat(ab == 0).isEqualTo(a.equals(b));
    if (a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)
        && !a.startsWith("0") && !b.startsWith("0")) {
      assertThat(Integer.signum(ab)).isEqualTo(Integer.signum(new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b))));
    }
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(25),
        Arbitraries.strings().withChars("vm-0123456789").ofMinLength(1).ofMaxLength(8));
  }
}
