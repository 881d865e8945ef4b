package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.core.plan.NaturalOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Cuts the scale sets of one region into waves; the rules are in {@link PhasePlanner}. */
final class Waves {
  private Waves() {}

  /** The waves of {@code region}: regional sets, then one wave per zone, then each multi-zone set alone. */
  static List<Wave> of(String region, List<RolloutMember> members) {
    List<String> regional = new ArrayList<>();
    TreeMap<String, List<String>> byZone = new TreeMap<>(NaturalOrder.INSTANCE);
    TreeMap<String, RolloutMember> multiZone = new TreeMap<>(NaturalOrder.INSTANCE);
    for (RolloutMember m : members) {
      if (m.zones().isEmpty()) {
        regional.add(m.scaleSetName());
      } else if (m.zones().size() == 1) {
        byZone.computeIfAbsent(m.zones().get(0), z -> new ArrayList<>()).add(m.scaleSetName());
      } else {
        multiZone.put(m.scaleSetName(), m);
      }
    }
    List<Wave> waves = new ArrayList<>();
    if (!regional.isEmpty()) {
      regional.sort(NaturalOrder.INSTANCE);
      waves.add(new Wave(Optional.empty(), regional, "regional: " + PhasePlanner.count(regional.size(), "scale set")
          + " without zones" + (regional.size() == 1 ? "" : " run together") + ", no zone of " + region + " in flight"));
    }
    byZone.forEach((zone, sets) -> {
      sets.sort(NaturalOrder.INSTANCE);
      waves.add(new Wave(Optional.of(zone), sets, "zone " + zone + " only: " + PhasePlanner.count(sets.size(), "scale set")
          + " of this zone" + (sets.size() == 1 ? "" : " run together") + ", no other zone of " + region + " in flight"));
    });
    multiZone.forEach((name, m) -> {
      List<String> zones = new ArrayList<>(m.zones());
      zones.sort(NaturalOrder.INSTANCE);
      waves.add(new Wave(Optional.empty(), List.of(name), "spans zones " + String.join(", ", zones)
          + ": runs alone, walking its zones one after another"));
    });
    return waves;
  }
}
