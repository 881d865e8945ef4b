package dev.rollingupgrade.testkit.time;

import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Virtual time for tests: a {@link Scheduler} whose clock moves only when the test says so —
 * {@link #advanceBy}, {@link #runUntil}, or {@link #runUntilIdle}, which jumps from one due task to
 * the next, so a two-hour rollout runs in milliseconds. Tasks run on the thread that moves time,
 * in order of due time, and tasks due at the same instant in the order they were scheduled.
 * Thread-safe: tasks may be scheduled from any thread.
 */
public final class VirtualScheduler implements Scheduler {
  /** Where virtual time starts unless told otherwise. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private static final long DEFAULT_TASK_LIMIT = 100_000_000L;

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private Instant now;
  private long sequence;
  private long executed;
  private int cancelled;

  private VirtualScheduler(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** A scheduler starting at {@link #DEFAULT_START}. */
  public static VirtualScheduler create() {
    return new VirtualScheduler(DEFAULT_START);
  }

  /** A scheduler starting at {@code start}. */
  public static VirtualScheduler startingAt(Instant start) {
    return new VirtualScheduler(start);
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    Duration wait = delay.isNegative() ? Duration.ZERO : delay;
    Task t = new Task(now.plus(wait), sequence++, task);
    queue.add(t);
    return () -> cancel(t);
  }

  private synchronized void cancel(Task t) {
    if (t.cancelled || t.ran) {
      return;
    }
    t.cancelled = true;
    // cancelled timeouts pile up in long runs: drop them once they are half the queue
    if (++cancelled > 1024 && cancelled > queue.size() / 2) {
      queue.removeIf(x -> x.cancelled);
      cancelled = 0;
    }
  }

  /** Runs every task due up to {@code now + duration}, then leaves the clock there. */
  public void advanceBy(Duration duration) {
    runUntil(now().plus(duration));
  }

  /** Runs every task due up to {@code instant} (in order), then sets the clock to it. */
  public void runUntil(Instant instant) {
    while (runNextDueBy(instant)) {
      // keep going: tasks may schedule more tasks due before the instant
    }
    synchronized (this) {
      if (instant.isAfter(now)) {
        now = instant;
      }
    }
  }

  /**
   * Runs tasks, jumping the clock to each one's due time, until none is left.
   *
   * @return the number of tasks run
   * @throws IllegalStateException after 100,000,000 tasks (a run that never ends)
   */
  public long runUntilIdle() {
    return runUntilIdle(DEFAULT_TASK_LIMIT);
  }

  /**
   * Like {@link #runUntilIdle()} with a limit on the number of tasks.
   *
   * @throws IllegalStateException when more than {@code maxTasks} tasks ran and some are still due
   */
  public long runUntilIdle(long maxTasks) {
    long ran = 0;
    while (runNextDueBy(Instant.MAX)) {
      if (++ran > maxTasks) {
        throw new IllegalStateException("still busy after " + maxTasks + " tasks at " + now()
            + ": something reschedules itself forever");
      }
    }
    return ran;
  }

  /** Tasks scheduled and not yet run or cancelled. */
  public synchronized int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.cancelled).count();
  }

  /** Tasks run so far. */
  public synchronized long executedTasks() {
    return executed;
  }

  private boolean runNextDueBy(Instant limit) {
    Task next;
    synchronized (this) {
      do {
        next = queue.peek();
        if (next == null || next.due.isAfter(limit)) {
          return false;
        }
        queue.poll();
        if (next.cancelled) {
          cancelled--;
        }
      } while (next.cancelled);
      next.ran = true;
      if (next.due.isAfter(now)) {
        now = next.due;
      }
      executed++;
    }
    next.action.run(); // outside the lock: the task may schedule more
    return true;
  }

  private static final class Task implements Comparable<Task> {
    private final Instant due;
    private final long sequence;
    private final Runnable action;
    private boolean cancelled;
    private boolean ran;

    Task(Instant due, long sequence, Runnable action) {
      this.due = due;
      this.sequence = sequence;
      this.action = action;
    }

    @Override
    public int compareTo(Task o) {
      int byTime = due.compareTo(o.due);
      return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
    }
  }
}
