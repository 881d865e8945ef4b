package dev.rollingupgrade.core.auto;

import java.util.List;
import java.util.Objects;

/**
 * One region of a phase: its scale sets in waves that run one after another. Immutable.
 *
 * @param region the region, in lower case
 * @param why why the region is in this phase, e.g. {@code "not in phase 2: its pair centralus is
 *     there; 3rd fewest instances (90 in 2 scale sets)"}
 * @param waves the waves, in the order they run
 */
public record RegionStep(String region, String why, List<Wave> waves) {

  /** Checks and copies the components. */
  public RegionStep {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(why, "why");
    waves = List.copyOf(waves);
    if (waves.isEmpty()) {
      throw new IllegalArgumentException("waves: region " + region + " needs at least one wave");
    }
  }

  /** Every scale set of the region, wave after wave. */
  public List<String> scaleSets() {
    return waves.stream().flatMap(w -> w.scaleSets().stream()).toList();
  }
}
