package dev.rollingupgrade.core.plan;

import dev.rollingupgrade.api.HealthState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Synthetic fleets placed as the {@code plan} command places them. */
final class Fleets {
  private Fleets() {}

  /** Instance i in zone (i mod zones) + 1 and update domain (i div zones) mod uds; the first {@code unhealthy} unhealthy. */
  static List<InstanceSnapshot> striped(int n, int zones, int uds, int unhealthy) {
    List<InstanceSnapshot> fleet = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      fleet.add(new InstanceSnapshot(String.valueOf(i), Optional.of(String.valueOf(i % zones + 1)), (i / zones) % uds,
          i < unhealthy ? HealthState.UNHEALTHY : HealthState.HEALTHY, true, false));
    }
    return fleet;
  }

  /** n healthy regional instances in update domain 0. */
  static List<InstanceSnapshot> flat(int n) {
    List<InstanceSnapshot> fleet = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      fleet.add(InstanceSnapshot.healthy(String.valueOf(i), null, 0));
    }
    return fleet;
  }
}
