package dev.rollingupgrade.core.time;

import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link Scheduler}: wall-clock time from a {@link Clock} and tasks on a
 * {@link ScheduledExecutorService}. The only place in core that reads real time. Thread-safe.
 *
 * <p>{@link #withThreads(int)} makes and owns its executor ({@link #close()} shuts it down);
 * {@link #of(ScheduledExecutorService)} uses the caller's, which the caller shuts down. Either
 * way, a cancelled task leaves the executor's queue at once (a {@code ScheduledThreadPoolExecutor}
 * is switched to {@code removeOnCancelPolicy}): a run cancels the timeout timer of every answered
 * call, and with the JDK's default those timers would stay queued until they were due.
 *
 * <p>Runs never block a scheduler thread themselves, and never call a plug-in while holding their
 * lock. A driver that blocks its calling thread, though, holds that thread: give the scheduler
 * two threads or more so that timeouts fire while a plug-in blocks.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final boolean owned;

  private SystemScheduler(Clock clock, ScheduledExecutorService executor, boolean owned) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.owned = owned;
    if (executor instanceof ScheduledThreadPoolExecutor pool) {
      pool.setRemoveOnCancelPolicy(true); // answered calls cancel their timeout timers: drop them from the queue
    }
  }

  /**
   * A scheduler on UTC wall-clock time with its own pool of {@code threads} daemon threads (named
   * {@code rolling-upgrade-N}); {@link #close()} shuts them down.
   *
   * @throws IllegalArgumentException if {@code threads} is not 1..64
   */
  public static SystemScheduler withThreads(int threads) {
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("threads must be between 1 and 64, got " + threads);
    }
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, task -> {
      Thread t = new Thread(task, "rolling-upgrade-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    return new SystemScheduler(Clock.systemUTC(), pool, true);
  }

  /**
   * A scheduler on UTC wall-clock time running tasks on {@code executor}, which the caller owns.
   *
   * @throws NullPointerException if {@code executor} is null
   */
  public static SystemScheduler of(ScheduledExecutorService executor) {
    return new SystemScheduler(Clock.systemUTC(), executor, false);
  }

  /** A scheduler reading {@code clock}, e.g. a fixed or offset clock, on the caller's {@code executor}. */
  public static SystemScheduler of(Clock clock, ScheduledExecutorService executor) {
    return new SystemScheduler(clock, executor, false);
  }

  /** The UTC wall clock, for stores whose leases expire in real time. */
  public static Clock systemClock() {
    return Clock.systemUTC();
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

  /** How many tasks wait in the executor's queue (0 when it is not a {@code ScheduledThreadPoolExecutor}). */
  public int queuedTasks() {
    return executor instanceof ScheduledThreadPoolExecutor pool ? pool.getQueue().size() : 0;
  }

  /** Shuts down the executor if this scheduler made it ({@link #withThreads}); else does nothing. */
  @Override
  public void close() {
    if (owned) {
      executor.shutdownNow();
    }
  }
}
