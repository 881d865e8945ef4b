package dev.rollingupgrade.core.time;

import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link Scheduler}: wall-clock time from a {@link Clock} and tasks on a
 * {@link ScheduledExecutorService} the caller owns (and shuts down). The only place in core
 * that reads real time. Thread-safe.
 */
public final class SystemScheduler implements Scheduler {
  private final Clock clock;
  private final ScheduledExecutorService executor;

  private SystemScheduler(Clock clock, ScheduledExecutorService executor) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * A scheduler on UTC wall-clock time running tasks on {@code executor}. A single-threaded
   * executor runs tasks due at the same instant in submission order, as {@link Scheduler} asks.
   *
   * @throws NullPointerException if {@code executor} is null
   */
  public static SystemScheduler of(ScheduledExecutorService executor) {
    return new SystemScheduler(Clock.systemUTC(), executor);
  }

  /** A scheduler reading {@code clock}, e.g. a fixed or offset clock. */
  public static SystemScheduler of(Clock clock, ScheduledExecutorService executor) {
    return new SystemScheduler(clock, executor);
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    long nanos = Math.max(0, delay.toNanos());
    ScheduledFuture<?> future = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
