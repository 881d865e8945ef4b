package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The plug-ins and options {@link RollingUpgrade} and {@link RolloutRecovery} both take, checked once. */
final class RunWiring {
  InstanceDriver driver;
  HealthSignal health;
  Scheduler scheduler;
  RolloutStore store;
  final List<UpgradeListener> listeners = new ArrayList<>();
  RunOptions options = RunOptions.defaults();
  ExternalResourceCheck preflight;

  void driver(InstanceDriver d) {
    driver = Objects.requireNonNull(d, "driver");
  }

  void health(HealthSignal h) {
    health = Objects.requireNonNull(h, "health");
  }

  void scheduler(Scheduler s) {
    scheduler = Objects.requireNonNull(s, "scheduler");
  }

  void store(RolloutStore s) {
    store = Objects.requireNonNull(s, "store");
  }

  void listener(UpgradeListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
  }

  void preflight(ExternalResourceCheck check) {
    preflight = Objects.requireNonNull(check, "check");
  }

  void options(RunOptions o) {
    options = Objects.requireNonNull(o, "options");
  }

  /** The engine of a run whose journal (under {@code lease}) goes on at {@code nextSequence}. */
  RunEngine engine(RunEvent.RunStarted settings, java.time.Instant startTime, dev.rollingupgrade.api.spi.Lease lease,
      long nextSequence) {
    RunJournal journal = new RunJournal(store, lease, settings.historyKey(), nextSequence, options.leaseDuration());
    return new RunEngine(new RunParts(settings, lease.runId(), startTime, driver, health, scheduler, listeners, journal,
        Optional.ofNullable(preflight)));
  }

  /** @throws IllegalStateException naming the first missing plug-in */
  void requireAll(String who) {
    require(driver, "driver(InstanceDriver)", who);
    require(health, "health(HealthSignal)", who);
    require(scheduler, "scheduler(Scheduler)", who);
    if (store == null) {
      store = new InMemoryRolloutStore(SchedulerClock.of(scheduler)); // leases on the run's own time
    }
  }

  private static void require(Object value, String what, String who) {
    if (value == null) {
      throw new IllegalStateException(who + " needs " + what + " first");
    }
  }
}
