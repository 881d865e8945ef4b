package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.core.plan.NaturalOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Cuts a multi-region rollout into phases, availability first (DESIGN §6). Pure and
 * deterministic: the same members (in any order) and pairs always give the same plan.
 *
 * <ul>
 *   <li>Every region of the members is in exactly one phase, every member in exactly one wave of
 *       its region. No members, no phases.
 *   <li>Region order: fewest instances first (the smallest blast radius goes first), ties by
 *       region name in natural order.
 *   <li>Phases start small and grow: phase 1, the canary, holds up to {@code firstPhaseRegions}
 *       regions (default 1); each later phase up to twice as many regions as the phase before it
 *       really holds, never more than {@code maxRegionsPerPhase} (default 8: a failed phase never
 *       hits more than 8 regions, and 60 regions still finish in 10 phases). A phase runs only
 *       when the one before it succeeded.
 *   <li>Geo-paired regions are never in one phase. Regions are placed in order; one whose pair is
 *       already in the phase being filled is left for the next phase (its {@code why} says so) and
 *       the next regions in order fill the room. A region is left out at most once: the next phase
 *       can hold every region left out of the one before (there are no more of them than regions
 *       in it), and their pairs are not in it. Every phase takes at least one region, so planning
 *       ends after at most one phase per region. Regions without a pair are never held back.
 *   <li>Waves within a region, run one after another: the regional sets (no zones) together
 *       first; then one wave per zone, zones in natural order ({@code 2} before {@code 10}),
 *       holding the sets of that zone only; then each set spanning several zones alone (its run
 *       walks its zones one after another), by name. So instances of two zones of one region are
 *       never in flight at once. Sets within a wave are in natural order of their names.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class PhasePlanner {
  private static final PhasePlanner DEFAULTS = new PhasePlanner(8, 1);

  private final int maxRegionsPerPhase;
  private final int firstPhaseRegions;

  private PhasePlanner(int maxRegionsPerPhase, int firstPhaseRegions) {
    this.maxRegionsPerPhase = maxRegionsPerPhase;
    this.firstPhaseRegions = firstPhaseRegions;
  }

  /** One canary region, then phases doubling up to 8 regions each. */
  public static PhasePlanner defaults() {
    return DEFAULTS;
  }

  /**
   * This planner with phases of at most {@code n} regions (phase 1 included).
   *
   * @throws IllegalArgumentException when {@code n < 1}
   */
  public PhasePlanner maxRegionsPerPhase(int n) {
    return new PhasePlanner(atLeastOne("maxRegionsPerPhase", n), firstPhaseRegions);
  }

  /**
   * This planner with a canary phase of up to {@code n} regions (and no more than
   * {@link #maxRegionsPerPhase()}).
   *
   * @throws IllegalArgumentException when {@code n < 1}
   */
  public PhasePlanner firstPhaseRegions(int n) {
    return new PhasePlanner(maxRegionsPerPhase, atLeastOne("firstPhaseRegions", n));
  }

  /** The most regions a phase holds. */
  public int maxRegionsPerPhase() {
    return maxRegionsPerPhase;
  }

  /** The most regions the first phase holds (if {@link #maxRegionsPerPhase()} allows). */
  public int firstPhaseRegions() {
    return firstPhaseRegions;
  }

  /**
   * The phases of a rollout of {@code members}, geo pairs from {@code pairs}.
   *
   * @throws IllegalArgumentException when an argument or a member is null, or two members have
   *     the same scale set name
   */
  public PhasePlan plan(List<RolloutMember> members, RegionPairs pairs) {
    if (pairs == null) {
      throw new IllegalArgumentException("pairs: must not be null, use RegionPairs.none()");
    }
    List<Cut> phases = new ArrayList<>();
    Map<String, String> leftOut = new HashMap<>(); // region -> why it is not in an earlier phase
    List<Region> remaining = regions(members);
    while (!remaining.isEmpty()) {
      int number = phases.size() + 1;
      int capacity = capacity(number, number == 1 ? 0 : phases.get(number - 2).regions.size());
      List<Region> phase = new ArrayList<>();
      Set<String> inPhase = new HashSet<>();
      List<Region> later = new ArrayList<>();
      boolean pairLeftOut = false;
      for (Region r : remaining) {
        Optional<String> partner = pairs.partnerOf(r.name);
        if (phase.size() >= capacity) {
          later.add(r);
        } else if (partner.isPresent() && inPhase.contains(partner.get())) {
          leftOut.putIfAbsent(r.name, "not in phase " + number + ": its pair " + partner.get() + " is there; ");
          pairLeftOut = true;
          later.add(r);
        } else {
          phase.add(r);
          inPhase.add(r.name);
        }
      }
      phases.add(new Cut(phase, capacity, pairLeftOut));
      remaining = later;
    }
    return explained(phases, leftOut, pairs);
  }

  /** One phase while planning: its regions, the most it could hold, and whether a pair kept one out. */
  private record Cut(List<Region> regions, int capacity, boolean pairLeftOut) {}

  /** Phase 1: the canary size; later: twice the previous phase's size; never above the cap. */
  private int capacity(int number, int previousSize) {
    long wanted = number == 1 ? firstPhaseRegions : 2L * previousSize;
    return (int) Math.min(wanted, maxRegionsPerPhase);
  }

  private PhasePlan explained(List<Cut> phases, Map<String, String> leftOut, RegionPairs pairs) {
    Map<String, Integer> phaseOf = new HashMap<>();
    for (int p = 0; p < phases.size(); p++) {
      for (Region r : phases.get(p).regions) {
        phaseOf.put(r.name, p + 1);
      }
    }
    List<Phase> result = new ArrayList<>(phases.size());
    for (int p = 0; p < phases.size(); p++) {
      Cut cut = phases.get(p);
      List<RegionStep> steps = new ArrayList<>();
      for (Region r : cut.regions) {
        String pair = pairs.partnerOf(r.name)
            .map(partner -> phaseOf.containsKey(partner)
                ? "; its pair " + partner + " is in phase " + phaseOf.get(partner)
                : "; its pair " + partner + " is not in this rollout")
            .orElse("; no geo pair");
        String held = leftOut.get(r.name);
        String why = (held == null ? "" : held) + (r.rank == 1 ? "the fewest" : "the " + ordinal(r.rank) + " fewest")
            + " instances (" + r.instances + " in " + count(r.members.size(), "scale set") + ")"
            + (held == null ? pair : ""); // a held-back region has named its pair already
        steps.add(new RegionStep(r.name, why, Waves.of(r.name, r.members)));
      }
      int previousSize = p == 0 ? 0 : phases.get(p - 1).regions.size();
      result.add(new Phase(p + 1, steps, phaseWhy(p + 1, cut, previousSize)));
    }
    return new PhasePlan(result);
  }

  private String phaseWhy(int number, Cut cut, int previousSize) {
    int capacity = cut.capacity;
    StringBuilder why = new StringBuilder();
    if (number == 1) {
      why.append("canary: up to ").append(count(capacity, "region"));
      if (capacity < firstPhaseRegions) {
        why.append(" (firstPhaseRegions ").append(firstPhaseRegions).append(", capped by maxRegionsPerPhase)");
      }
      why.append(", the smallest first");
    } else {
      why.append("up to ").append(count(capacity, "region")).append(" (twice phase ").append(number - 1)
          .append("'s ").append(previousSize);
      if (capacity < 2L * previousSize) {
        why.append(", capped by maxRegionsPerPhase ").append(maxRegionsPerPhase);
      }
      why.append("); starts once phase ").append(number - 1).append(" has succeeded");
    }
    if (cut.regions.size() < capacity) {
      why.append("; holds ").append(cut.regions.size()).append(cut.pairLeftOut
          ? ": the other regions left are paired with regions here" : ": no more regions left");
    }
    return why.toString();
  }

  /** The regions of the members, in placement order, each with its members and rank. */
  private static List<Region> regions(List<RolloutMember> members) {
    if (members == null) {
      throw new IllegalArgumentException("members: must not be null, use an empty list");
    }
    Map<String, Integer> indexOfName = new HashMap<>(); // lookups only: never iterated
    TreeMap<String, Region> byName = new TreeMap<>();
    int index = -1;
    for (RolloutMember m : members) { // not get(i): the list may be linked
      index++;
      if (m == null) {
        throw new IllegalArgumentException("members[" + index + "]: must not be null");
      }
      Integer first = indexOfName.putIfAbsent(m.scaleSetName(), index);
      if (first != null) {
        throw new IllegalArgumentException("scaleSetName: duplicate \"" + m.scaleSetName() + "\" (members["
            + first + "] and members[" + index + "])");
      }
      Region r = byName.computeIfAbsent(m.region(), Region::new);
      r.members.add(m);
      r.instances += m.instanceCount();
    }
    List<Region> order = new ArrayList<>(byName.values());
    order.sort(Comparator.comparingLong((Region r) -> r.instances).thenComparing(r -> r.name, NaturalOrder.INSTANCE));
    for (int i = 0; i < order.size(); i++) {
      order.get(i).rank = i + 1;
    }
    return order;
  }

  private static int atLeastOne(String field, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(field + ": must be 1 or more (got " + n + ")");
    }
    return n;
  }

  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  static String ordinal(int n) {
    int lastTwo = n % 100;
    int last = n % 10;
    String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
    return n + suffix;
  }

  /** A region being planned: its members, total instances and place in the order. */
  private static final class Region {
    private final String name;
    private final List<RolloutMember> members = new ArrayList<>();
    private long instances;
    private int rank;

    Region(String name) {
      this.name = name;
    }
  }

  @Override
  public String toString() {
    return "PhasePlanner[firstPhaseRegions=" + firstPhaseRegions + ", maxRegionsPerPhase=" + maxRegionsPerPhase + "]";
  }
}
