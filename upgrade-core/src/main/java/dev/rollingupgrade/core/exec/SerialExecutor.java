package dev.rollingupgrade.core.exec;

import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the state changes of one owner (a run, an orchestrator) one at a time, in the order they
 * come, on the injected {@link Scheduler}, and calls its plug-ins (driver, health, listeners)
 * outside its lock:
 *
 * <ul>
 *   <li>{@link #execute} queues a state change in a mailbox drained by one scheduler task (a
 *       million answers cost a handful of tasks, not a million); {@link #schedule} runs one later.
 *   <li>Each state change runs under the lock with the owner's MDC keys. Plug-in calls it asks
 *       for ({@link #call}, {@link #outside}) run right after it, once the lock is released, so
 *       {@link #read} (status) never waits on a plug-in.
 *   <li>{@link #call} bounds a plug-in call by a timeout whose timer is armed before the call is
 *       made: a plug-in that blocks its calling thread still times out on time (when the scheduler
 *       has another thread), is told so by a cancel of the stage it returns, and is reported with
 *       one WARN naming the call and how long it blocked. Answers queued meanwhile wait for the
 *       blocked thread: one drainer at a time keeps state changes in the order they came.
 *   <li>A state change that throws a {@link RuntimeException} goes to the failure handler; an
 *       {@link Error} propagates.
 * </ul>
 *
 * <p>Starts no thread. Thread-safe.
 */
public final class SerialExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  /** A plug-in call that holds its calling thread this long is reported. */
  public static final Duration BLOCKING_REPORTED_AFTER = Duration.ofMillis(500);

  private final Scheduler scheduler;
  private final Consumer<RuntimeException> onFailure;
  private final Object lock = new Object();
  private final ArrayDeque<Runnable> mailbox = new ArrayDeque<>(); // guarded by itself
  private boolean drainScheduled; // guarded by mailbox
  private final Map<String, String> mdc = new LinkedHashMap<>(); // guarded by lock
  private List<Runnable> outbox = new ArrayList<>(); // guarded by lock
  private int depth; // guarded by lock
  private volatile boolean stopped;
  private final AtomicInteger holds = new AtomicInteger();

  /**
   * An executor on {@code scheduler}; a state change that throws goes to {@code onFailure}, under
   * the lock.
   */
  public SerialExecutor(Scheduler scheduler, Consumer<RuntimeException> onFailure) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  /** The scheduler's current instant. */
  public Instant now() {
    return scheduler.now();
  }

  /** Sets (or with {@code null} removes) an MDC key for the state changes and plug-in calls that follow. */
  public void mdc(String key, String value) {
    synchronized (lock) {
      String old = value == null ? mdc.remove(key) : mdc.put(key, value);
      if (depth > 0 && !Objects.equals(old, value)) {
        if (value == null) {
          MDC.remove(key);
        } else {
          MDC.put(key, value);
        }
      }
    }
  }

  /** Runs {@code action} later, in a scheduler task, after the actions queued before it. From any thread. */
  public void execute(Runnable action) {
    boolean schedule;
    synchronized (mailbox) {
      mailbox.add(action);
      schedule = !drainScheduled;
      drainScheduled = true;
    }
    if (schedule) {
      scheduler.schedule(Duration.ZERO, this::drain);
    }
  }

  /** Runs {@code action} in {@code delay}, in its own scheduler task; the handle cancels it. */
  public Cancellable schedule(Duration delay, Runnable action) {
    return scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> runNow(action));
  }

  /**
   * Runs {@code action} now on this thread, under the lock, then the plug-in calls it asked for,
   * outside the lock. Does nothing once {@link #stop stopped}.
   */
  public void runNow(Runnable action) {
    run(action, false);
  }

  /**
   * Holds every state change that comes after this one (they queue, in order) until
   * {@link #release}: how an owner waits for a store that makes a decision durable later, without
   * blocking a thread and without letting another answer see the decision half made.
   */
  public void hold() {
    holds.incrementAndGet();
  }

  /** Ends a {@link #hold()}: runs {@code first} before anything that queued meanwhile. */
  public void release(Runnable first) {
    run(() -> {
      holds.decrementAndGet();
      first.run();
    }, true);
    boolean schedule;
    synchronized (mailbox) {
      schedule = !mailbox.isEmpty() && !drainScheduled;
      drainScheduled |= schedule;
    }
    if (schedule) {
      scheduler.schedule(Duration.ZERO, this::drain);
    }
  }

  private void run(Runnable action, boolean evenWhenHeld) {
    List<Runnable> calls = List.of();
    Error fatal = null;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      if (!evenWhenHeld && depth == 0 && holds.get() > 0) {
        execute(action); // waits for the release, behind what queued before it
        return;
      }
      if (depth++ == 0) {
        mdc.forEach(MDC::put);
      }
      try {
        try {
          action.run();
        } catch (RuntimeException e) {
          failed(e);
        }
      } catch (Error e) {
        fatal = e; // the calls already asked for follow decisions already durable: they still go out
      } finally {
        if (--depth == 0) {
          mdc.keySet().forEach(MDC::remove);
        }
      }
      if (depth == 0 && !outbox.isEmpty()) {
        calls = outbox;
        outbox = new ArrayList<>();
      }
    }
    if (!calls.isEmpty()) {
      Map<String, String> context = read(() -> new LinkedHashMap<>(mdc));
      context.forEach(MDC::put);
      try {
        for (Runnable call : calls) {
          call.run();
        }
      } finally {
        context.keySet().forEach(MDC::remove);
      }
    }
    if (fatal != null) {
      throw fatal;
    }
  }

  private void failed(RuntimeException e) {
    try {
      onFailure.accept(e);
    } catch (RuntimeException again) {
      LOG.error("the failure handler failed too; stopping", again);
      stopped = true;
    }
  }

  /** Answers {@code query} under the lock: it sees no state change half done. Never waits on a plug-in. */
  public <T> T read(Supplier<T> query) {
    synchronized (lock) {
      return query.get();
    }
  }

  /**
   * Runs {@code pluginCall} once the current state change has released the lock (at once when
   * called outside a state change). For listener calls and other plug-in calls without an answer.
   */
  public void outside(Runnable pluginCall) {
    synchronized (lock) {
      if (depth > 0) {
        outbox.add(pluginCall);
        return;
      }
    }
    pluginCall.run();
  }

  /**
   * Calls a plug-in outside the lock, bounded by {@code timeout}: an answer, a throw, a failed
   * stage or no answer in time reach {@code onDone} exactly once, as a state change. On a timeout
   * the stage the plug-in returned is cancelled.
   *
   * @param what names the call in the WARN about a plug-in that blocks, e.g. {@code replaceOsDisk(vmss, 7)}
   */
  public <T> void call(Supplier<String> what, Supplier<? extends CompletionStage<T>> invoke, Duration timeout,
      BiConsumer<T, Throwable> onDone) {
    outside(() -> invoke(what, invoke, timeout, onDone));
  }

  private <T> void invoke(Supplier<String> what, Supplier<? extends CompletionStage<T>> invoke, Duration timeout,
      BiConsumer<T, Throwable> onDone) {
    if (stopped) {
      return;
    }
    if (timeout.isZero()) {
      CompletionStage<T> stage = invokeOnce(what, invoke);
      if (stage instanceof CompletableFuture<T> done && done.isDone()) {
        done.whenComplete((value, failure) -> execute(() -> onDone.accept(value, unwrap(failure))));
      } else {
        cancelStage(stage);
        execute(() -> onDone.accept(null, new TimeoutException("no time left for an answer")));
      }
      return;
    }
    AtomicBoolean answered = new AtomicBoolean();
    CompletableFuture<CompletionStage<T>> returned = new CompletableFuture<>();
    // armed before the call: a plug-in that blocks this thread still times out on time
    Cancellable timer = scheduler.schedule(timeout, () -> {
      if (answered.compareAndSet(false, true)) {
        returned.thenAccept(SerialExecutor::cancelStage);
        runNow(() -> onDone.accept(null, new TimeoutException("no answer within " + timeout)));
      }
    });
    CompletionStage<T> stage = invokeOnce(what, invoke);
    returned.complete(stage);
    if (stage instanceof CompletableFuture<T> done && done.isDone()) {
      if (answered.compareAndSet(false, true)) {
        timer.cancel(); // answered already (a cached health read, say)
        done.whenComplete((value, failure) -> execute(() -> onDone.accept(value, unwrap(failure))));
      }
      return;
    }
    stage.whenComplete((value, failure) -> {
      if (answered.compareAndSet(false, true)) {
        timer.cancel();
        execute(() -> onDone.accept(value, unwrap(failure)));
      }
    });
  }

  /** Makes the call; a throw or a null becomes a failed stage; a call that blocks is reported. */
  private <T> CompletionStage<T> invokeOnce(Supplier<String> what, Supplier<? extends CompletionStage<T>> invoke) {
    Instant start = scheduler.now();
    CompletionStage<T> stage;
    try {
      stage = invoke.get();
      if (stage == null) {
        throw new IllegalStateException("the plug-in returned no CompletionStage");
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    Duration blocked = Duration.between(start, scheduler.now());
    if (blocked.compareTo(BLOCKING_REPORTED_AFTER) >= 0) {
      LOG.warn("{} blocked its calling thread for {} ms: plug-ins should return a CompletionStage at once",
          what.get(), blocked.toMillis());
    }
    return stage;
  }

  private static void cancelStage(CompletionStage<?> stage) {
    if (stage instanceof CompletableFuture<?> future) {
      future.cancel(false); // tells the plug-in the SDK gave up on this call
    }
  }

  /** No state change runs any more; answers still in flight are dropped. */
  public void stop() {
    stopped = true;
  }

  /** Whether {@link #stop} was called. */
  public boolean isStopped() {
    return stopped;
  }

  private void drain() {
    boolean drained = false;
    try {
      while (true) {
        Runnable next;
        synchronized (mailbox) {
          next = holds.get() > 0 ? null : mailbox.poll();
          if (next == null) {
            drainScheduled = false;
            drained = true;
            return;
          }
        }
        runNow(next);
      }
    } finally {
      if (!drained) {
        synchronized (mailbox) {
          drainScheduled = false; // an Error unwound the drain: the next execute schedules another
        }
      }
    }
  }

  /** The cause inside the wrappers a stage adds. */
  public static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
