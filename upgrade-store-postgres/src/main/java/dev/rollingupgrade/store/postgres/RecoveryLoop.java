package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunHeldException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's loop that takes over the runs of replicas that died: every {@code interval} it
 * lists the unfinished runs nobody holds ({@link PostgresRolloutStore#orphanedRuns()}: the owner's
 * lease expired by the database clock, or was released), claims each (the claim skips a run
 * another replica is claiming at that moment) and resumes it with the given
 * {@link RolloutRecovery}, which renews the lease while it drives the run. At most one replica
 * drives a run at any time: a claim bumps the run's fencing token, and the store refuses the
 * writes of every older one.
 *
 * <pre>{@code
 * RolloutRecovery recovery = RolloutRecovery.of(store).driver(driver).health(health)
 *     .scheduler(scheduler).models(models::get)
 *     .options(RunOptions.defaults().withOwner("replica-" + hostName));
 * RecoveryLoop loop = RecoveryLoop.of(store, recovery).every(Duration.ofSeconds(15))
 *     .onTakeOver(run -> log.info("took over {}", run.runId()));
 * loop.start(scheduler);   // ... loop.stop() on shutdown
 * }</pre>
 *
 * <p>Journals that are not runs (a multi-region rollout's) and the member runs of a rollout are
 * left alone, as {@link RolloutRecovery#resumeAll()} leaves them. A run that cannot be resumed here
 * (its journal of another format, its model unavailable) is logged as an ERROR once and left
 * for another replica; this loop reads such runs, and those it leaves alone, again once their
 * journal has grown or after {@value #RETRY_PASSES} passes (its model may be available by then),
 * not on every pass. Thread-safe.
 */
public final class RecoveryLoop {
  private static final Logger LOG = LoggerFactory.getLogger(RecoveryLoop.class);

  private final PostgresRolloutStore store;
  private final RolloutRecovery recovery;
  private Duration interval = Duration.ofSeconds(10);
  private Consumer<RollingUpgradeRun> onTakeOver = run -> { };
  /** Passes after which a run left alone is read again though its journal has not grown. */
  static final int RETRY_PASSES = 30;

  /** A run left alone or that failed to resume: its journal's end then, and the pass to read it again. */
  private record Skip(long end, long retryAt) {}

  private final Map<String, Skip> skipped = new HashMap<>(); // lookups only
  private long passes;
  private Scheduler scheduler;
  private Cancellable next;
  private boolean stopped;

  private RecoveryLoop(PostgresRolloutStore store, RolloutRecovery recovery) {
    this.store = Objects.requireNonNull(store, "store");
    this.recovery = Objects.requireNonNull(recovery, "recovery");
  }

  /** A loop over {@code store} that resumes runs with {@code recovery} (configured with its driver, health, scheduler and owner). */
  public static RecoveryLoop of(PostgresRolloutStore store, RolloutRecovery recovery) {
    return new RecoveryLoop(store, recovery);
  }

  /**
   * How often to look for runs to take over (default 10 seconds). A run is taken over at most
   * this long after its owner's lease expired.
   *
   * @throws IllegalArgumentException if not positive
   */
  public synchronized RecoveryLoop every(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the recovery interval must be more than zero, got " + interval);
    }
    this.interval = interval;
    return this;
  }

  /** Told of every run this loop took over, on the loop's thread, right after it resumed. */
  public synchronized RecoveryLoop onTakeOver(Consumer<RollingUpgradeRun> listener) {
    this.onTakeOver = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Looks for runs to take over now, then every {@link #every interval} on {@code scheduler}, until {@link #stop()}. */
  public synchronized void start(Scheduler scheduler) {
    if (this.scheduler != null) {
      throw new IllegalStateException("the recovery loop runs already");
    }
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    next = scheduler.schedule(Duration.ZERO, this::tick);
  }

  /** Stops looking; the runs taken over go on. */
  public synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel();
    }
  }

  private void tick() {
    try {
      recoverNow();
    } catch (RuntimeException e) {
      LOG.warn("looking for runs to take over failed; trying again in {}: {}", interval, e.getMessage());
    }
    synchronized (this) {
      if (!stopped) {
        next = scheduler.schedule(interval, this::tick);
      }
    }
  }

  /**
   * One pass: claims and resumes every run nobody holds, oldest first.
   *
   * @return the runs taken over in this pass
   * @throws java.io.UncheckedIOException if the database cannot be reached
   */
  public synchronized List<RollingUpgradeRun> recoverNow() {
    List<RollingUpgradeRun> taken = new ArrayList<>();
    Map<String, Long> orphaned = store.orphanedRunEnds();
    skipped.keySet().retainAll(orphaned.keySet());
    long pass = ++passes;
    for (Map.Entry<String, Long> orphan : orphaned.entrySet()) {
      String runId = orphan.getKey();
      Skip skip = skipped.get(runId);
      if (skip != null && skip.end() == orphan.getValue() && pass < skip.retryAt()) {
        continue; // as it was when it was left alone: not read again yet
      }
      Skip next = new Skip(orphan.getValue(), pass + RETRY_PASSES);
      List<RunRecord> records = store.records(runId);
      if (records.isEmpty() || !records.get(0).kind().equals("RUN_STARTED")
          || records.get(0).attributes().containsKey("rollout")) {
        skipped.put(runId, next);
        continue; // a rollout's journal, or a member run its rollout resumes
      }
      try {
        RollingUpgradeRun run = recovery.resume(runId);
        LOG.info("took over run {} of scale set {}", runId, records.get(0).attributes().get("scaleSet"));
        taken.add(run);
        onTakeOver.accept(run);
      } catch (RunHeldException e) {
        LOG.debug("run {} was claimed by another replica first", runId);
      } catch (RuntimeException e) {
        if (skipped.put(runId, next) == null) {
          LOG.error("run {} cannot be resumed by this replica: {}", runId, e.getMessage());
        }
      }
    }
    return taken;
  }
}
