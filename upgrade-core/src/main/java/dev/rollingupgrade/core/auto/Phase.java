package dev.rollingupgrade.core.auto;

import java.util.List;
import java.util.Objects;

/**
 * One phase of a rollout: regions updated at the same time. A phase starts only when the one
 * before it has succeeded; no phase holds both regions of a geo pair. Immutable.
 *
 * @param number the phase's position, from 1
 * @param regions the regions, in the order they were placed (fewest instances first)
 * @param why why the phase has this size, e.g. {@code "up to 2 regions (twice phase 1's 1);
 *     starts once phase 1 has succeeded"}
 */
public record Phase(int number, List<RegionStep> regions, String why) {

  /** Checks and copies the components. */
  public Phase {
    Objects.requireNonNull(why, "why");
    regions = List.copyOf(regions);
    if (number < 1) {
      throw new IllegalArgumentException("number: phases are numbered from 1 (got " + number + ")");
    }
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("regions: phase " + number + " needs at least one region");
    }
  }

  /** The names of its regions, in order. */
  public List<String> regionNames() {
    return regions.stream().map(RegionStep::region).toList();
  }
}
