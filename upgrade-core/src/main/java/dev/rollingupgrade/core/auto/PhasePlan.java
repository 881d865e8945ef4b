package dev.rollingupgrade.core.auto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The phases of a multi-region rollout, in order, as {@link PhasePlanner} cuts them. Run it as:
 * phase after phase, each starting only when the one before succeeded; the regions of a phase at
 * the same time; within a region, wave after wave; the sets of a wave at the same time. Immutable.
 *
 * @param phases the phases, numbered 1, 2, ... in order; empty when there is nothing to roll out
 */
public record PhasePlan(List<Phase> phases) {
  private static final int SHOWN_SETS = 10;

  /** Checks and copies the phases. */
  public PhasePlan {
    phases = List.copyOf(phases);
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).number() != i + 1) {
        throw new IllegalArgumentException("phases: phase at position " + (i + 1) + " is numbered "
            + phases.get(i).number());
      }
    }
  }

  /** How many regions the plan holds. */
  public int regionCount() {
    return phases.stream().mapToInt(p -> p.regions().size()).sum();
  }

  /** How many scale sets the plan holds. */
  public int scaleSetCount() {
    int count = 0;
    for (Phase p : phases) {
      for (RegionStep r : p.regions()) {
        for (Wave w : r.waves()) {
          count += w.scaleSets().size();
        }
      }
    }
    return count;
  }

  /** The phase holding {@code region} (any case), or empty when it is not in the plan. */
  public Optional<Phase> phaseOf(String region) {
    String key = region == null ? "" : region.toLowerCase(Locale.ROOT);
    return phases.stream().filter(p -> p.regions().stream().anyMatch(r -> r.region().equals(key))).findFirst();
  }

  /** The step of {@code region} (any case), or empty when it is not in the plan. */
  public Optional<RegionStep> stepOf(String region) {
    String key = region == null ? "" : region.toLowerCase(Locale.ROOT);
    return phases.stream().flatMap(p -> p.regions().stream()).filter(r -> r.region().equals(key)).findFirst();
  }

  /**
   * The plan for a reader, one line per phase, region and wave, indented:
   * <pre>
   * phase 1: eastasia: canary: up to 1 region, the smallest first
   *   region eastasia: canary: the fewest instances (40 in 2 scale sets); its pair southeastasia is in phase 3
   *     wave 1: api-eastasia: zone 1 only: 1 scale set of this zone, no other zone of eastasia in flight
   * </pre>
   * Long waves list their first ten scale sets and how many more.
   */
  public List<String> explain() {
    List<String> lines = new ArrayList<>();
    for (Phase p : phases) {
      lines.add("phase " + p.number() + ": " + String.join(", ", p.regionNames()) + ": " + p.why());
      for (RegionStep r : p.regions()) {
        lines.add("  region " + r.region() + ": " + r.why());
        for (int w = 0; w < r.waves().size(); w++) {
          Wave wave = r.waves().get(w);
          lines.add("    wave " + (w + 1) + ": " + names(wave.scaleSets()) + ": " + wave.why());
        }
      }
    }
    return lines;
  }

  private static String names(List<String> sets) {
    if (sets.size() <= SHOWN_SETS) {
      return String.join(", ", sets);
    }
    return String.join(", ", sets.subList(0, SHOWN_SETS)) + ", ... (+" + (sets.size() - SHOWN_SETS) + " more)";
  }

  /** The {@link #explain()} lines, one per line. */
  @Override
  public String toString() {
    return String.join(System.lineSeparator(), explain());
  }
}
