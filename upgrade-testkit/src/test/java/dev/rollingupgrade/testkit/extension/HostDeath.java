package dev.rollingupgrade.testkit.extension;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;

/** The host of an automatic extension upgrade service goes away in the middle of its first run. */
final class HostDeath {
  private HostDeath() {}

  /** Enables {@code set} on {@code service}, waits for the first version change, then stops the host. */
  static void midRun(AutomaticExtensionUpgrades service, ScaleSet set, FakeFleet fleet, VirtualScheduler clock) {
    service.enable(set);
    while (fleet.stateChangingCalls().isEmpty()) {
      clock.advanceBy(Duration.ofSeconds(10));
    }
    service.close();
    service.rollouts().get(0).abandon(); // its journal stays unfinished, its leases are released
  }
}
