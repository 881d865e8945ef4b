package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The plug-ins of {@link AutomaticExtensionUpgrades} and how it starts and resumes its extension runs. */
final class ExtensionRuns {
  InstanceDriver driver;
  HealthSignal health;
  Scheduler scheduler;
  RolloutStore store;
  RunOptions options = RunOptions.defaults();
  final List<UpgradeListener> listeners = new ArrayList<>();
  final List<RollingUpgradeRun> started = new ArrayList<>(); // guarded by the service's executor

  void requireAll() {
    if (driver == null || health == null || scheduler == null) {
      throw new IllegalStateException("automatic extension upgrades need driver(...), health(...) and scheduler(...)");
    }
    if (store == null) {
      store = new InMemoryRolloutStore(SchedulerClock.of(scheduler));
    }
  }

  /** A platform run of {@code extension} to {@code version} with the group's batch rules, rollback on. */
  RollingUpgradeRun start(ScaleSet model, String extension, String version, Instant now, RollingUpgradePolicy policy) {
    RollingUpgrade run = RollingUpgrade.of(model).driver(driver).health(health).scheduler(scheduler).store(store)
        .options(options).startedBy(UpgradeOperationInvoker.PLATFORM).targetExtension(extension, version)
        .policy(policy).partOf(AutomaticExtensionUpgrades.RUN_GROUP)
        .runId(freeId(model.name() + "/extensions/" + extension + "/" + now.toEpochMilli()));
    listeners.forEach(run::listener);
    return run.start();
  }

  RolloutRecovery recovery(Function<String, ScaleSet> models) {
    RolloutRecovery recovery = RolloutRecovery.of(store).driver(driver).health(health).scheduler(scheduler)
        .options(options).models(models);
    listeners.forEach(recovery::listener);
    return recovery;
  }

  private String freeId(String base) {
    String id = base;
    for (int n = 2; !store.records(id).isEmpty(); n++) {
      id = base + "-" + n;
    }
    return id;
  }
}
