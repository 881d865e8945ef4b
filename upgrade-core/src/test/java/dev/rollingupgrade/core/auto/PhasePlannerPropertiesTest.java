package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.core.plan.NaturalOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of the phase planner (DESIGN §6) over random rollouts: 0..30 regions, some of them
 * geo-paired (with regions in and out of the rollout), 0..150 scale sets over zones 1, 2, 3 and 10,
 * and random phase sizes.
 */
class PhasePlannerPropertiesTest {
  private static final List<String> ZONES = List.of("1", "2", "3", "10");

  /** A random rollout; {@code pairList} holds each pair once, in the order given to {@link RegionPairs#of}. */
  record Case(List<RolloutMember> members, List<String[]> pairList, PhasePlanner planner) {
    RegionPairs pairs() {
      Map<String, String> map = new LinkedHashMap<>();
      pairList.forEach(p -> map.put(p[0], p[1]));
      return RegionPairs.of(map);
    }

    @Override
    public String toString() {
      return members.size() + " members, pairs " + pairList.stream().map(p -> p[0] + "/" + p[1]).toList() + ", " + planner;
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(Arbitraries.integers().between(0, 30), Arbitraries.integers().between(0, 150),
            Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 10), Arbitraries.longs())
        .as((regions, sets, first, max, seed) -> rollout(regions, sets, seed,
            PhasePlanner.defaults().firstPhaseRegions(first).maxRegionsPerPhase(max)));
  }

  private static Case rollout(int regionCount, int setCount, long seed, PhasePlanner planner) {
    Random random = new Random(seed);
    List<String> regions = new ArrayList<>();
    for (int i = 1; i <= regionCount + 4; i++) { // four more regions than members use: pairs may name absent regions
      regions.add("region" + i);
    }
    Collections.shuffle(regions, random);
    List<String[]> pairs = new ArrayList<>();
    double pairRate = random.nextDouble();
    for (int i = 0; i + 1 < regions.size(); i += 2) {
      if (random.nextDouble() < pairRate) {
        pairs.add(new String[] {regions.get(i), regions.get(i + 1)});
      }
    }
    List<String> used = regions.subList(0, regionCount);
    List<RolloutMember> members = new ArrayList<>();
    boolean fewSizes = random.nextBoolean(); // ties in instance counts, so that names break them
    for (int s = 0; s < setCount && !used.isEmpty(); s++) {
      String region = used.get(random.nextInt(used.size()));
      List<String> zones = new ArrayList<>(ZONES);
      Collections.shuffle(zones, random);
      int zoneCount = random.nextInt(4);
      int instances = fewSizes ? 10 * random.nextInt(3) : random.nextInt(500);
      String spelled = random.nextInt(5) == 0 ? region.toUpperCase(Locale.ROOT) : region;
      members.add(new RolloutMember("set-" + s, spelled, zones.subList(0, zoneCount), instances));
    }
    return new Case(members, pairs, planner);
  }

  private static Map<String, Long> instancesByRegion(Case c) {
    Map<String, Long> totals = new HashMap<>();
    c.members().forEach(m -> totals.merge(m.region(), (long) m.instanceCount(), Long::sum));
    return totals;
  }

  private static Map<String, Integer> phaseByRegion(PhasePlan plan) {
    Map<String, Integer> phases = new HashMap<>();
    plan.phases().forEach(p -> p.regions().forEach(r -> phases.merge(r.region(), p.number(), (a, b) -> -1)));
    return phases;
  }

  @Property(tries = 200)
  void noPhaseHoldsBothRegionsOfAPair(@ForAll("cases") Case c) {
    PhasePlan plan = c.planner().plan(c.members(), c.pairs());
    for (Phase p : plan.phases()) {
      for (String[] pair : c.pairList()) {
        boolean both = p.regionNames().contains(pair[0]) && p.regionNames().contains(pair[1]);
        assertThat(both).as("phase %d %s holds the pair %s/%s", p.number(), p.regionNames(), pair[0], pair[1]).isFalse();
      }
    }
  }

  @Property(tries = 200)
  void everyRegionIsInOnePhaseAndEveryMemberInOneWaveOfItsRegion(@ForAll("cases") Case c) {
    PhasePlan plan = c.planner().plan(c.members(), c.pairs());
    Map<String, Integer> phases = phaseByRegion(plan);
    assertThat(phases).doesNotContainValue(-1).containsOnlyKeys(instancesByRegion(c).keySet());
    assertThat(plan.regionCount()).isEqualTo(phases.size());
    Map<String, List<String>> regionOfSet = new HashMap<>();
    plan.phases().forEach(p -> p.regions().forEach(r -> r.waves().forEach(w -> w.scaleSets()
        .forEach(s -> regionOfSet.computeIfAbsent(s, k -> new ArrayList<>()).add(r.region())))));
    Map<String, List<String>> expected = c.members().stream()
        .collect(Collectors.toMap(RolloutMember::scaleSetName, m -> List.of(m.region().toLowerCase(Locale.ROOT))));
    assertThat(regionOfSet).isEqualTo(expected);
    assertThat(plan.scaleSetCount()).isEqualTo(c.members().size());
  }

  @Property(tries = 200)
  void aWaveHoldsOneZoneOnlyAndAMultiZoneSetIsAlone(@ForAll("cases") Case c) {
    Map<String, RolloutMember> byName = c.members().stream().collect(Collectors.toMap(RolloutMember::scaleSetName, m -> m));
    for (Phase p : c.planner().plan(c.members(), c.pairs()).phases()) {
      for (RegionStep r : p.regions()) {
        List<String> zoneWaves = new ArrayList<>();
        int kind = 0; // 0 regional, 1 single zone, 2 multi-zone: waves never go back to an earlier kind
        for (Wave w : r.waves()) {
          List<List<String>> zones = w.scaleSets().stream().map(s -> byName.get(s).zones()).toList();
          int waveKind;
          if (w.zone().isPresent()) {
            assertThat(zones).as("%s: %s", r.region(), w).allMatch(z -> z.equals(List.of(w.zone().get())));
            zoneWaves.add(w.zone().get());
            waveKind = 1;
          } else if (zones.get(0).size() > 1) {
            assertThat(w.scaleSets()).as("%s: %s", r.region(), w).hasSize(1);
            waveKind = 2;
          } else {
            assertThat(zones).as("%s: %s", r.region(), w).allMatch(List::isEmpty);
            waveKind = 0;
          }
          assertThat(waveKind).as("%s: wave order", r.region()).isGreaterThanOrEqualTo(kind);
          kind = waveKind;
        }
        List<String> sorted = new ArrayList<>(zoneWaves);
        sorted.sort(NaturalOrder.INSTANCE);
        assertThat(zoneWaves).as("%s: zone waves", r.region()).doesNotHaveDuplicates().isEqualTo(sorted);
      }
    }
  }

  @Property(tries = 200)
  void phasesStartSmallAndAtMostDouble(@ForAll("cases") Case c) {
    PhasePlan plan = c.planner().plan(c.members(), c.pairs());
    int max = c.planner().maxRegionsPerPhase();
    int previous = 0;
    for (Phase p : plan.phases()) {
      int size = p.regions().size();
      int allowed = p.number() == 1 ? Math.min(c.planner().firstPhaseRegions(), max) : Math.min(max, 2 * previous);
      assertThat(size).as("phase %d: %s", p.number(), p.why()).isBetween(1, allowed);
      previous = size;
    }
  }

  /**
   * Regions go fewest instances first; one comes later than a larger region only when it was held
   * back by its pair, in the phase just before its own. A phase short of its allowed size left out
   * only regions paired with it.
   */
  @Property(tries = 200)
  void regionsGoSmallestFirstUnlessTheirPairHoldsThemBack(@ForAll("cases") Case c) {
    PhasePlan plan = c.planner().plan(c.members(), c.pairs());
    RegionPairs pairs = c.pairs();
    Map<String, Long> totals = instancesByRegion(c);
    Map<String, Integer> phases = phaseByRegion(plan);
    Comparator<String> order = Comparator.<String>comparingLong(totals::get).thenComparing(NaturalOrder.INSTANCE);
    List<String> regions = plan.phases().stream().flatMap(p -> p.regionNames().stream()).toList();
    for (int i = 0; i < regions.size(); i++) {
      for (int j = i + 1; j < regions.size(); j++) {
        String early = regions.get(i);
        String late = regions.get(j);
        if (order.compare(late, early) < 0) { // late is smaller, yet placed after early
          assertThat(phases.get(late)).as("%s (smaller) after %s", late, early).isEqualTo(phases.get(early) + 1);
          assertThat(pairs.partnerOf(late).map(phases::get)).as("pair of %s", late).contains(phases.get(early));
          assertThat(plan.stepOf(late).orElseThrow().why()).startsWith("not in phase " + phases.get(early) + ": its pair");
        }
      }
    }
    int previous = 0;
    for (Phase p : plan.phases()) {
      int allowed = p.number() == 1 ? Math.min(c.planner().firstPhaseRegions(), c.planner().maxRegionsPerPhase())
          : Math.min(c.planner().maxRegionsPerPhase(), 2 * previous);
      if (p.regions().size() < allowed) {
        for (Phase later : plan.phases().subList(p.number(), plan.phases().size())) {
          for (String r : later.regionNames()) {
            assertThat(pairs.partnerOf(r).map(phases::get)).as("%s left out of short phase %d", r, p.number())
                .isEqualTo(Optional.of(p.number()));
          }
        }
      }
      previous = p.regions().size();
    }
  }

  @Property(tries = 200)
  void theSameRolloutInAnyOrderGivesTheSamePlan(@ForAll("cases") Case c, @ForAll long shuffleSeed) {
    PhasePlan plan = c.planner().plan(c.members(), c.pairs());
    Random random = new Random(shuffleSeed);
    List<RolloutMember> members = new ArrayList<>(c.members());
    Collections.shuffle(members, random);
    List<String[]> pairList = new ArrayList<>();
    c.pairList().forEach(p -> pairList.add(random.nextBoolean() ? p : new String[] {p[1], p[0]}));
    Collections.shuffle(pairList, random);
    Case shuffled = new Case(members, pairList, c.planner());
    assertThat(shuffled.planner().plan(shuffled.members(), shuffled.pairs())).isEqualTo(plan);
    assertThat(c.planner().plan(c.members(), c.pairs()).explain()).isEqualTo(plan.explain());
  }
}
