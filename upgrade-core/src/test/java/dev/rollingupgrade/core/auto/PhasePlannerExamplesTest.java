package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The phase planner on examples a reader can check by hand, with their explanations. */
class PhasePlannerExamplesTest {
  private static final PhasePlanner DEFAULTS = PhasePlanner.defaults();

  /** Six regions in three Azure pairs, a zone-redundant and a zonal set in each (samples/rollouts/six-regions.json). */
  static List<RolloutMember> sixRegions() {
    return List.of(
        RolloutMember.zonal("web-eastasia", "eastasia", 30, "1", "2", "3"), RolloutMember.zonal("api-eastasia", "eastasia", 10, "1"),
        RolloutMember.zonal("web-centralus", "centralus", 45, "1", "2", "3"), RolloutMember.zonal("api-centralus", "centralus", 15, "2"),
        RolloutMember.zonal("web-eastus2", "eastus2", 70, "1", "2", "3"), RolloutMember.zonal("api-eastus2", "eastus2", 20, "3"),
        RolloutMember.zonal("web-westeurope", "westeurope", 90, "1", "2", "3"), RolloutMember.zonal("api-westeurope", "westeurope", 30, "1"),
        RolloutMember.zonal("web-southeastasia", "southeastasia", 110, "1", "2", "3"),
        RolloutMember.zonal("api-southeastasia", "southeastasia", 40, "2"),
        RolloutMember.zonal("web-northeurope", "northeurope", 150, "1", "2", "3"), RolloutMember.zonal("api-northeurope", "northeurope", 50, "3"));
  }

  @Test
  void sixRegionsInThreePairsMakeThreePhases() {
    PhasePlan plan = DEFAULTS.plan(sixRegions(), RegionPairs.azure());
    assertThat(plan.phases()).extracting(Phase::regionNames).containsExactly(
        List.of("eastasia"), List.of("centralus", "westeurope"), List.of("eastus2", "southeastasia", "northeurope"));
    assertThat(plan.explain()).containsExactly(
        "phase 1: eastasia: canary: up to 1 region, the smallest first",
        "  region eastasia: the fewest instances (40 in 2 scale sets); its pair southeastasia is in phase 3",
        "    wave 1: api-eastasia: zone 1 only: 1 scale set of this zone, no other zone of eastasia in flight",
        "    wave 2: web-eastasia: spans zones 1, 2, 3: runs alone, walking its zones one after another",
        "phase 2: centralus, westeurope: up to 2 regions (twice phase 1's 1); starts once phase 1 has succeeded",
        "  region centralus: the 2nd fewest instances (60 in 2 scale sets); its pair eastus2 is in phase 3",
        "    wave 1: api-centralus: zone 2 only: 1 scale set of this zone, no other zone of centralus in flight",
        "    wave 2: web-centralus: spans zones 1, 2, 3: runs alone, walking its zones one after another",
        "  region westeurope: the 4th fewest instances (120 in 2 scale sets); its pair northeurope is in phase 3",
        "    wave 1: api-westeurope: zone 1 only: 1 scale set of this zone, no other zone of westeurope in flight",
        "    wave 2: web-westeurope: spans zones 1, 2, 3: runs alone, walking its zones one after another",
        "phase 3: eastus2, southeastasia, northeurope: up to 4 regions (twice phase 2's 2); starts once phase 2 has succeeded;"
            + " holds 3: no more regions left",
        "  region eastus2: not in phase 2: its pair centralus is there; the 3rd fewest instances (90 in 2 scale sets)",
        "    wave 1: api-eastus2: zone 3 only: 1 scale set of this zone, no other zone of eastus2 in flight",
        "    wave 2: web-eastus2: spans zones 1, 2, 3: runs alone, walking its zones one after another",
        "  region southeastasia: the 5th fewest instances (150 in 2 scale sets); its pair eastasia is in phase 1",
        "    wave 1: api-southeastasia: zone 2 only: 1 scale set of this zone, no other zone of southeastasia in flight",
        "    wave 2: web-southeastasia: spans zones 1, 2, 3: runs alone, walking its zones one after another",
        "  region northeurope: the 6th fewest instances (200 in 2 scale sets); its pair westeurope is in phase 2",
        "    wave 1: api-northeurope: zone 3 only: 1 scale set of this zone, no other zone of northeurope in flight",
        "    wave 2: web-northeurope: spans zones 1, 2, 3: runs alone, walking its zones one after another");
    assertThat(plan.regionCount()).isEqualTo(6);
    assertThat(plan.scaleSetCount()).isEqualTo(12);
    assertThat(plan.phaseOf("EastUS2").map(Phase::number)).contains(3);
    assertThat(plan.stepOf("eastasia").map(RegionStep::scaleSets)).contains(List.of("api-eastasia", "web-eastasia"));
    assertThat(plan.phaseOf("westus")).isEmpty();
  }

  @Test
  void withoutPairsTheSameRegionsGoStrictlySmallestFirst() {
    PhasePlan plan = DEFAULTS.plan(sixRegions(), RegionPairs.none());
    assertThat(plan.phases()).extracting(Phase::regionNames).containsExactly(
        List.of("eastasia"), List.of("centralus", "eastus2"), List.of("westeurope", "southeastasia", "northeurope"));
    assertThat(plan.stepOf("eastus2").orElseThrow().why()).isEqualTo("the 3rd fewest instances (90 in 2 scale sets); no geo pair");
  }

  @Test
  void aPairForcedToALaterPhaseSaysWhy() {
    List<RolloutMember> members = List.of(RolloutMember.regional("a", "uksouth", 5), RolloutMember.regional("b", "eastus", 10),
        RolloutMember.regional("c", "westus", 20), RolloutMember.regional("d", "japaneast", 30));
    PhasePlan plan = DEFAULTS.plan(members, RegionPairs.of(Map.of("eastus", "westus")));
    assertThat(plan.phases()).extracting(Phase::regionNames)
        .containsExactly(List.of("uksouth"), List.of("eastus", "japaneast"), List.of("westus"));
    assertThat(plan.stepOf("westus").orElseThrow().why())
        .isEqualTo("not in phase 2: its pair eastus is there; the 3rd fewest instances (20 in 1 scale set)");
    assertThat(plan.stepOf("eastus").orElseThrow().why()).endsWith("; its pair westus is in phase 3");
    assertThat(plan.stepOf("uksouth").orElseThrow().why()).endsWith("; no geo pair");
  }

  @Test
  void aPhaseCutShortByAPairSaysSoAndTheNextPhaseGrowsFromWhatItHeld() {
    List<RolloutMember> members = List.of(RolloutMember.regional("a", "uksouth", 5), RolloutMember.regional("b", "eastus", 10),
        RolloutMember.regional("c", "westus", 20));
    PhasePlan plan = DEFAULTS.plan(members, RegionPairs.azure());
    assertThat(plan.phases()).extracting(Phase::regionNames)
        .containsExactly(List.of("uksouth"), List.of("eastus"), List.of("westus"));
    assertThat(plan.phases().get(1).why()).isEqualTo("up to 2 regions (twice phase 1's 1); starts once phase 1 has"
        + " succeeded; holds 1: the other regions left are paired with regions here");
    assertThat(plan.phases().get(2).why()).startsWith("up to 2 regions (twice phase 2's 1)");
    assertThat(plan.stepOf("westus").orElseThrow().why()).startsWith("not in phase 2: its pair eastus is there");
    assertThat(plan.stepOf("uksouth").orElseThrow().why()).endsWith("; its pair ukwest is not in this rollout");
  }

  @Test
  void sixtyUnpairedRegionsDoubleUpToTheDefaultCapOfEight() {
    List<RolloutMember> members = new ArrayList<>();
    for (int r = 1; r <= 60; r++) {
      members.add(RolloutMember.regional("set-" + r, "region" + r, 100));
    }
    PhasePlan plan = DEFAULTS.plan(members, RegionPairs.none());
    assertThat(plan.phases()).extracting(p -> p.regions().size()).containsExactly(1, 2, 4, 8, 8, 8, 8, 8, 8, 5);
    // equal sizes: natural order of names, region2 before region10
    assertThat(plan.phases().get(1).regionNames()).containsExactly("region2", "region3");
    assertThat(plan.phases().get(4).why()).isEqualTo("up to 8 regions (twice phase 4's 8, capped by maxRegionsPerPhase 8);"
        + " starts once phase 4 has succeeded");
    assertThat(plan.phases().get(9).why()).endsWith("; holds 5: no more regions left");
  }

  @Test
  void theCanaryPhaseNeverExceedsTheCap() {
    List<RolloutMember> members = new ArrayList<>();
    for (int r = 1; r <= 10; r++) {
      members.add(RolloutMember.regional("set-" + r, "region" + r, r));
    }
    PhasePlan plan = DEFAULTS.firstPhaseRegions(5).maxRegionsPerPhase(3).plan(members, RegionPairs.none());
    assertThat(plan.phases()).extracting(p -> p.regions().size()).containsExactly(3, 3, 3, 1);
    assertThat(plan.phases().get(0).why())
        .isEqualTo("canary: up to 3 regions (firstPhaseRegions 5, capped by maxRegionsPerPhase), the smallest first");
  }

  @Test
  void wavesGoRegionalThenZonesInNaturalOrderThenMultiZoneSetsAlone() {
    List<RolloutMember> members = List.of(
        RolloutMember.zonal("z10-b", "eastus", 3, "10"), RolloutMember.zonal("multi-b", "eastus", 3, "3", "1"),
        RolloutMember.zonal("z2-set10", "eastus", 3, "2"), RolloutMember.regional("reg-b", "eastus", 3),
        RolloutMember.zonal("z2-set2", "eastus", 3, "2"), RolloutMember.zonal("multi-a", "eastus", 3, "2", "10"),
        RolloutMember.regional("reg-a", "EastUS", 3), RolloutMember.zonal("z10-a", "eastus", 3, "10"));
    RegionStep step = DEFAULTS.plan(members, RegionPairs.none()).phases().get(0).regions().get(0);
    assertThat(step.region()).isEqualTo("eastus");
    assertThat(step.waves()).extracting(Wave::zone).containsExactly(
        Optional.empty(), Optional.of("2"), Optional.of("10"), Optional.empty(), Optional.empty());
    assertThat(step.waves()).extracting(Wave::scaleSets).containsExactly(List.of("reg-a", "reg-b"),
        List.of("z2-set2", "z2-set10"), List.of("z10-a", "z10-b"), List.of("multi-a"), List.of("multi-b"));
    assertThat(step.waves()).extracting(Wave::why).containsExactly(
        "regional: 2 scale sets without zones run together, no zone of eastus in flight",
        "zone 2 only: 2 scale sets of this zone run together, no other zone of eastus in flight",
        "zone 10 only: 2 scale sets of this zone run together, no other zone of eastus in flight",
        "spans zones 2, 10: runs alone, walking its zones one after another",
        "spans zones 1, 3: runs alone, walking its zones one after another");
  }

  @Test
  void noMembersNoPhases() {
    PhasePlan plan = DEFAULTS.plan(List.of(), RegionPairs.azure());
    assertThat(plan.phases()).isEmpty();
    assertThat(plan.explain()).isEmpty();
    assertThat(plan.regionCount()).isZero();
  }

  @Test
  void emptyScaleSetsStillGetAWaveAndTheirRegionGoesFirst() {
    PhasePlan plan = DEFAULTS.plan(List.of(RolloutMember.regional("big", "eastus", 100),
        RolloutMember.zonal("empty", "westeurope", 0, "1")), RegionPairs.none());
    assertThat(plan.phases()).extracting(Phase::regionNames).containsExactly(List.of("westeurope"), List.of("eastus"));
  }

  @Test
  void badInputNamesTheFieldAndValue() {
    RolloutMember web = RolloutMember.regional("web", "eastus", 3);
    assertThatThrownBy(() -> DEFAULTS.plan(null, RegionPairs.none()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("members: must not be null");
    assertThatThrownBy(() -> DEFAULTS.plan(List.of(web), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("pairs: must not be null");
    assertThatThrownBy(() -> DEFAULTS.plan(Arrays.asList(web, null), RegionPairs.none()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("members[1]: must not be null");
    assertThatThrownBy(() -> DEFAULTS.plan(List.of(web, RolloutMember.regional("api", "westus", 1),
            RolloutMember.zonal("web", "westus", 2, "1")), RegionPairs.none()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("scaleSetName: duplicate \"web\" (members[0] and members[2])");
    assertThatThrownBy(() -> DEFAULTS.maxRegionsPerPhase(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxRegionsPerPhase: must be 1 or more (got 0)");
    assertThatThrownBy(() -> DEFAULTS.firstPhaseRegions(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("firstPhaseRegions: must be 1 or more (got -2)");
  }

  @Test
  void membersCheckTheirFields() {
    assertThatThrownBy(() -> RolloutMember.regional(" ", "eastus", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("scaleSetName: must not be blank (got \" \")");
    assertThatThrownBy(() -> RolloutMember.regional("web", null, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("region: must not be null");
    assertThatThrownBy(() -> RolloutMember.zonal("web", "eastus", 1, "1", "2", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("zones: zone \"1\" is named twice in [1, 2, 1] (scale set web)");
    assertThatThrownBy(() -> RolloutMember.zonal("web", "eastus", 1, "1", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("zones: must not be null");
    assertThatThrownBy(() -> new RolloutMember("web", "eastus", null, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("zones: must not be null");
    assertThatThrownBy(() -> RolloutMember.regional("web", "eastus", -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("instanceCount: must be 0 or more (got -1 for scale set web)");
    List<String> zones = new ArrayList<>(List.of("1"));
    RolloutMember m = new RolloutMember("web", "EastUS", zones, 0);
    zones.add("2");
    assertThat(m.zones()).containsExactly("1");
    assertThat(m.region()).isEqualTo("eastus");
  }
}
