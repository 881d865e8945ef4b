package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.core.exec.SerialExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/** Reads of single instances through the driver, for rollbacks and for resumes. Used on the run's executor only. */
final class DriverReads {
  private final SerialExecutor executor;
  private final InstanceDriver driver;
  private final String scaleSetName;
  private final Duration callTimeout;
  private final Duration pollInterval;

  DriverReads(SerialExecutor executor, InstanceDriver driver, String scaleSetName, Duration callTimeout,
      Duration pollInterval) {
    this.executor = executor;
    this.driver = driver;
    this.scaleSetName = scaleSetName;
    this.callTimeout = callTimeout;
    this.pollInterval = pollInterval;
  }

  /** Reads the instance now. */
  void read(String id, BiConsumer<Instance, Throwable> then) {
    executor.call(() -> "getInstance(" + scaleSetName + ", " + id + ")", () -> driver.getInstance(scaleSetName, id),
        callTimeout, then);
  }

  /**
   * Reads the instance once no operation runs on it: through the driver's {@code whenSettled} when
   * it has one, else by polling {@code getInstance} while it is updating; gives up at {@code giveUp}.
   */
  void settle(String id, Instant giveUp, BiConsumer<Instance, Throwable> then) {
    executor.outside(() -> {
      Optional<CompletionStage<Instance>> settled;
      try {
        settled = driver.whenSettled(scaleSetName, id);
      } catch (RuntimeException e) {
        settled = Optional.empty();
      }
      Optional<CompletionStage<Instance>> found = settled == null ? Optional.empty() : settled;
      executor.runNow(() -> {
        Duration left = Duration.between(executor.now(), giveUp);
        Duration timeout = left.isNegative() ? Duration.ZERO : left;
        if (found.isPresent()) {
          executor.call(() -> "whenSettled(" + scaleSetName + ", " + id + ")", found::get, timeout, then);
        } else {
          poll(id, giveUp, timeout, then);
        }
      });
    });
  }

  private void poll(String id, Instant giveUp, Duration timeout, BiConsumer<Instance, Throwable> then) {
    read(id, (instance, failure) -> {
      if (failure == null && InFlightReconciliation.updating(instance) && executor.now().isBefore(giveUp)) {
        Duration wait = timeout.compareTo(pollInterval) < 0 ? timeout : pollInterval;
        executor.schedule(wait, () -> poll(id, giveUp, Duration.between(executor.now(), giveUp), then));
      } else {
        then.accept(instance, failure);
      }
    });
  }
}
