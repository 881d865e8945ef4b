package dev.rollingupgrade.api.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * The only source of time for the SDK: the current instant and delayed tasks. Production code
 * uses the system scheduler of {@code upgrade-core}; tests use the testkit's virtual scheduler,
 * where time moves only when the test says so. Implementations must be thread-safe and run
 * tasks due at the same instant in the order they were scheduled.
 */
public interface Scheduler {
  /** The current instant. */
  Instant now();

  /**
   * Runs {@code task} once, {@code delay} from now (zero: as soon as possible, never inline).
   *
   * @return a handle that cancels the task if it has not run yet
   */
  Cancellable schedule(Duration delay, Runnable task);
}
