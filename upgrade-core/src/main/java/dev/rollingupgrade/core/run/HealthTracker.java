package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.core.exec.SerialExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Live health for a run: pushed by the signal when it can, else read. Sweeps the whole set (at
 * most {@link #SWEEP_WINDOW} questions open at a time), reads one instance, and waits for one
 * instance to become healthy by a deadline — by push, or by polling that starts soon after the
 * upgrade returned and backs off towards the poll interval. Every read lands in
 * {@link RunState#observe}. Used on the run's executor only.
 */
final class HealthTracker {
  /** A million open questions would cost more memory than the fleet, and hammer the health source. */
  static final int SWEEP_WINDOW = 1024;

  private final RunState state;
  private final SerialExecutor executor;
  private final HealthSignal signal;
  private final String scaleSetName;
  private final Duration callTimeout;
  private final Duration pollInterval;
  private Optional<Cancellable> subscription = Optional.empty();
  private Wait[] waits = new Wait[0];
  private Runnable onPush; // re-runs a gate waiting for initializing instances

  /** What a wait reports. */
  interface WaitOutcome {
    void healthy();

    void notHealthyYet();

    void timedOut();
  }

  HealthTracker(RunState state, SerialExecutor executor, HealthSignal signal, String scaleSetName,
      Duration callTimeout, Duration pollInterval) {
    this.state = state;
    this.executor = executor;
    this.signal = signal;
    this.scaleSetName = scaleSetName;
    this.callTimeout = callTimeout;
    this.pollInterval = pollInterval;
  }

  /** Subscribes to pushed health (outside the run's lock, before the next state change). */
  void subscribe() {
    waits = new Wait[state.table.size()];
    executor.outside(() -> {
      Optional<Cancellable> s = signal.subscribe(scaleSetName, (id, h) -> executor.execute(() -> pushed(id, h)));
      Optional<Cancellable> got = s == null ? Optional.empty() : s;
      boolean keep = executor.read(() -> {
        if (executor.isStopped()) {
          return false; // abandoned meanwhile
        }
        subscription = got;
        return true;
      });
      if (!keep) {
        got.ifPresent(Cancellable::cancel);
      }
    });
  }

  boolean pushes() {
    return subscription.isPresent();
  }

  /** Ends the subscription (a plug-in call: outside the run's lock) and every wait. */
  void stop() {
    Optional<Cancellable> ending = subscription;
    subscription = Optional.empty();
    executor.outside(() -> ending.ifPresent(Cancellable::cancel));
    for (Wait w : waits) {
      if (w != null) {
        w.cancel();
      }
    }
  }

  /** Calls {@code action} after every pushed change. */
  void onPush(Runnable action) {
    this.onPush = action;
  }

  /** Reads every instance's health, then goes on. */
  void sweep(Runnable then) {
    int n = state.table.size();
    if (n == 0) {
      then.run();
      return;
    }
    int[] next = {0};
    int[] answered = {0};
    Runnable[] askNext = new Runnable[1];
    askNext[0] = () -> {
      int i = next[0]++;
      ask(i, h -> {
        state.observe(i, h);
        if (++answered[0] == n) {
          then.run();
        } else if (next[0] < n) {
          askNext[0].run();
        }
      });
    };
    for (int k = 0; k < Math.min(SWEEP_WINDOW, n); k++) {
      askNext[0].run();
    }
  }

  /** Makes live health current: pushes keep it so; else a sweep. */
  void refresh(Runnable then) {
    if (pushes()) {
      then.run();
    } else {
      sweep(then);
    }
  }

  /** Reads one instance's health again, then goes on. */
  void read(int i, Runnable then) {
    ask(i, h -> {
      state.observe(i, h);
      then.run();
    });
  }

  private void ask(int i, Consumer<HealthState> onAnswer) {
    String id = state.id(i);
    executor.call(() -> "health(" + scaleSetName + ", " + id + ")", () -> signal.health(scaleSetName, id), callTimeout,
        (h, failure) -> onAnswer.accept(failure != null || h == null ? HealthState.UNKNOWN : h));
  }

  private void pushed(String instanceId, HealthState health) {
    Integer i = state.index.get(instanceId);
    if (i == null || health == null) {
      return; // an instance this run does not know
    }
    state.observe(i, health);
    Wait wait = waits[i];
    if (wait != null && !wait.expired && health == HealthState.HEALTHY) {
      end(i).healthy();
    }
    if (onPush != null) {
      onPush.run();
    }
  }

  /**
   * Waits until {@code deadline} for instance {@code i} to report healthy; a read at the deadline
   * still counts. Reads at once, then (when the signal cannot push) polls with backoff.
   */
  void await(int i, Instant deadline, WaitOutcome outcome) {
    Wait wait = new Wait(outcome);
    waits[i] = wait;
    wait.deadline = executor.schedule(Duration.between(executor.now(), deadline), () -> {
      if (waits[i] != wait) {
        return;
      }
      wait.expired = true;
      ask(i, h -> {
        state.observe(i, h);
        if (waits[i] == wait) {
          WaitOutcome o = end(i);
          if (h == HealthState.HEALTHY) {
            o.healthy();
          } else {
            o.timedOut();
          }
        }
      });
    });
    poll(i, wait, firstPollDelay());
  }

  /** First poll after the immediate read; doubles up to the poll interval. */
  private Duration firstPollDelay() {
    Duration first = pollInterval.dividedBy(8);
    return first.compareTo(Duration.ofMillis(10)) < 0 ? pollInterval : first;
  }

  private void poll(int i, Wait wait, Duration nextDelay) {
    ask(i, h -> {
      state.observe(i, h);
      if (waits[i] != wait || wait.expired) {
        return;
      }
      if (h == HealthState.HEALTHY) {
        end(i).healthy();
        return;
      }
      if (!wait.reportedNotHealthy) {
        wait.reportedNotHealthy = true;
        wait.outcome.notHealthyYet();
      }
      if (!pushes()) {
        Duration after = nextDelay.multipliedBy(2);
        wait.poll = executor.schedule(nextDelay, () -> {
          if (waits[i] == wait) {
            poll(i, wait, after.compareTo(pollInterval) > 0 ? pollInterval : after);
          }
        });
      }
    });
  }

  /** Ends the wait of instance {@code i} (if any) and returns whom to tell. */
  private WaitOutcome end(int i) {
    Wait wait = waits[i];
    waits[i] = null;
    wait.cancel();
    return wait.outcome;
  }

  /** Gives up the wait of instance {@code i}, if any, without telling anyone. */
  void cancelWait(int i) {
    if (i < waits.length && waits[i] != null) {
      end(i);
    }
  }

  /** Timers of one instance's health wait. */
  private static final class Wait {
    private final WaitOutcome outcome;
    private Cancellable deadline;
    private Cancellable poll;
    private boolean expired;
    private boolean reportedNotHealthy;

    Wait(WaitOutcome outcome) {
      this.outcome = outcome;
    }

    void cancel() {
      if (deadline != null) {
        deadline.cancel();
      }
      if (poll != null) {
        poll.cancel();
      }
    }
  }
}
