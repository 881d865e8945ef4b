package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutBuilder;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plug-ins of {@link AutomaticExtensionUpgrades} and the rollouts it builds from them. */
final class ExtensionRuns {
  private static final Logger LOG = LoggerFactory.getLogger(ExtensionRuns.class);

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

  /** An event made now, handed to the listeners once {@code executor}'s state change released its lock. */
  void emit(SerialExecutor executor, UpgradeEventType type, String scaleSet, String message) {
    UpgradeEvent event = UpgradeEvent.builder().type(type).time(executor.now()).scaleSetName(scaleSet).runId("")
        .message(message).build();
    executor.outside(() -> {
      for (UpgradeListener l : listeners) {
        try {
          l.onEvent(event);
        } catch (RuntimeException e) {
          LOG.warn("listener {} failed on {}: {}", l, type, e.toString());
        }
      }
    });
  }

  /** The members of the store's unfinished extension rollouts, set to rollout; empty when the store cannot say. */
  Map<String, String> unfinishedMembers() {
    Map<String, String> members = new TreeMap<>();
    try {
      for (String id : rollouts().unfinishedRollouts(true)) {
        for (String name : rollouts().membersOf(id)) {
          members.putIfAbsent(name, id);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot read the store's unfinished rollouts ({}); recover() will", e.toString());
    }
    return members;
  }
}
