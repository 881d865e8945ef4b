package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutBuilder;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The plug-ins of {@link AutomaticExtensionUpgrades} and the rollouts it builds from them. */
final class ExtensionRuns {
  InstanceDriver driver;
  HealthSignal health;
  Scheduler scheduler;
  RolloutStore store;
  RunOptions options = RunOptions.defaults();
  RegionPairs pairs = RegionPairs.none();
  final List<UpgradeListener> listeners = new ArrayList<>();

  void requireAll() {
    if (driver == null || health == null || scheduler == null) {
      throw new IllegalStateException("automatic extension upgrades need driver(...), health(...) and scheduler(...)");
    }
    if (store == null) {
      store = new InMemoryRolloutStore(SchedulerClock.of(scheduler));
    }
  }

  /** A rollout builder on these plug-ins, without members: its runs are platform runs, rollback on. */
  RolloutBuilder rollouts() {
    RolloutBuilder b = ImageRollout.builder().driver(driver).health(health).scheduler(scheduler).store(store)
        .options(options).regionPairs(pairs);
    listeners.forEach(b::listener);
    return b;
  }

  Duration leaseThird() {
    return options.leaseDuration().dividedBy(3);
  }
}
