package dev.rollingupgrade.core.auto;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Scale sets of one region that may be in flight together. The waves of a region run one after
 * another, so instances of two zones of a region are never in flight at once. Immutable.
 *
 * @param zone the one zone every set of the wave is in; empty for the wave of regional sets and
 *     for a set spanning several zones (alone in its wave, it walks its zones one after another)
 * @param scaleSets the scale sets, in natural order of their names
 * @param why why these sets run together, e.g. {@code "zone 2 only: 2 scale sets of this zone
 *     run together, no other zone of eastus in flight"}
 */
public record Wave(Optional<String> zone, List<String> scaleSets, String why) {

  /** Checks and copies the components. */
  public Wave {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(why, "why");
    scaleSets = List.copyOf(scaleSets);
    if (scaleSets.isEmpty()) {
      throw new IllegalArgumentException("scaleSets: a wave holds at least one scale set");
    }
  }
}
