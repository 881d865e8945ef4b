package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up runs whose owner stopped (crash, redeploy, {@link RollingUpgradeRun#abandon()}, a
 * replica that died) from their journal in the {@link RolloutStore}, and finishes them by the
 * same rules:
 *
 * <pre>{@code
 * List<RollingUpgradeRun> resumed = RolloutRecovery.of(store)
 *     .driver(driver).health(health).scheduler(scheduler)
 *     .models(name -> myModels.get(name))    // the scale sets, with their extension secrets
 *     .resumeAll();
 * }</pre>
 *
 * <p>Only runs nobody holds are taken: the store grants a lease when the previous owner's lease
 * expired or was released, and the resumed run renews it while it drives the run. Two recoveries
 * on one store never both drive a run. A resumed run keeps its id, start time, target, policy,
 * timeouts and plan as journalled. Instances with a recorded verdict keep it; an instance whose
 * upgrade has no recorded answer is checked through the driver (still updating: waited for; at
 * the target: health-waited with the time left; failed: failed; untouched: upgraded now) and
 * never upgraded twice; pending batches follow. A run that had been asked to cancel stays
 * cancelled. Configure it like {@link RollingUpgrade}; not thread-safe.
 */
public final class RolloutRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutRecovery.class);

  private final RunWiring wiring = new RunWiring();
  private Function<String, ScaleSet> models;
  private String owner;

  private RolloutRecovery(RolloutStore store) {
    wiring.store(store);
  }

  /** Recovery of the runs journalled in {@code store}. */
  public static RolloutRecovery of(RolloutStore store) {
    return new RolloutRecovery(Objects.requireNonNull(store, "store"));
  }

  /** The driver. Required. */
  public RolloutRecovery driver(InstanceDriver driver) {
    wiring.driver(driver);
    return this;
  }

  /** The health source. Required. */
  public RolloutRecovery health(HealthSignal health) {
    wiring.health(health);
    return this;
  }

  /** The scheduler. Required. */
  public RolloutRecovery scheduler(Scheduler scheduler) {
    wiring.scheduler(scheduler);
    return this;
  }

  /**
   * Where the scale set models come from, by name. Needed to resume a run whose extensions carry
   * {@code protectedSettings}, which the journal never holds; without it the model journalled at
   * the start is used. A finished run never needs it.
   */
  public RolloutRecovery models(Function<String, ScaleSet> models) {
    this.models = Objects.requireNonNull(models, "models");
    return this;
  }

  /** The preflight of a resumed run that stopped before it planned; none unless given. */
  public RolloutRecovery preflight(ExternalResourceCheck check) {
    wiring.preflight(check);
    return this;
  }

  /** Adds a listener to every resumed run. */
  public RolloutRecovery listener(UpgradeListener listener) {
    wiring.listener(listener);
    return this;
  }

  /**
   * The owner and lease duration of the runs this recovery takes (its timeouts are not used: a
   * resumed run keeps the ones journalled when it started).
   */
  public RolloutRecovery options(RunOptions options) {
    wiring.options(options);
    return this;
  }

  /** Ids of the runs in the store that have not finished, oldest first, whoever holds them. */
  public List<String> unfinishedRuns() {
    return wiring.store.unfinishedRuns();
  }

  /**
   * Resumes every unfinished run that nobody holds; returns their handles in the store's order.
   * Journals that are not runs (a multi-region rollout's) and the runs of a rollout are left to
   * the rollout, which resumes them itself. A
   * run that cannot be resumed (a journal of another format, a model that cannot be had) is logged
   * as an ERROR naming it and why, left to whoever can read it, and does not stop the others.
   */
  public List<RollingUpgradeRun> resumeAll() {
    List<RollingUpgradeRun> runs = new ArrayList<>();
    for (String runId : wiring.store.unfinishedRuns()) {
      List<RunRecord> head = wiring.store.records(runId);
      if (!head.isEmpty() && !head.get(0).kind().equals(EventCodec.RUN_STARTED)) {
        LOG.debug("journal {} is not a run ({}): left to its owner", runId, head.get(0).kind());
        continue;
      }
      if (!head.isEmpty() && head.get(0).attributes().containsKey("rollout")) {
        LOG.debug("run {} belongs to rollout {}: the rollout resumes it", runId, head.get(0).attributes().get("rollout"));
        continue;
      }
      Optional<Lease> lease = claim(runId);
      if (lease.isEmpty()) {
        LOG.info("run {} is held by another owner: left to it", runId);
        continue;
      }
      try {
        runs.add(resume(lease.get()));
      } catch (RuntimeException e) {
        LOG.error("run {} cannot be resumed here: {}", runId, e.getMessage());
      }
    }
    return runs;
  }

  /**
   * Resumes one run (a finished one too: its handle then only reports how it ended).
   *
   * @throws IllegalArgumentException if the store has no such run
   * @throws IllegalStateException if driver, health or scheduler is missing, its journal is of
   *     another format, or the model cannot be had; {@link RunHeldException} if another owner holds
   *     the run
   */
  public RollingUpgradeRun resume(String runId) {
    wiring.requireAll("recovery");
    if (wiring.store.records(runId).isEmpty()) {
      throw new IllegalArgumentException("the store has no run " + runId);
    }
    Lease lease = claim(runId).orElseThrow(() -> new RunHeldException("run " + runId
        + " is held by another owner whose lease has not expired: it drives the run"));
    return resume(lease);
  }

  private Optional<Lease> claim(String runId) {
    wiring.requireAll("recovery");
    if (owner == null) {
      owner = wiring.options.owner();
    }
    return wiring.store.claim(runId, owner, wiring.options.leaseDuration());
  }

  private RollingUpgradeRun resume(Lease lease) {
    String runId = lease.runId();
    try {
      List<RunRecord> records = wiring.store.records(runId);
      RunRecord first = records.get(0);
      EventCodec.format(first);
      boolean finished = records.get(records.size() - 1).isFinal();
      String scaleSetName = first.attributes().get("scaleSet");
      ScaleSet model = Optional.ofNullable(models).map(m -> m.apply(scaleSetName)).orElse(null);
      if (model == null && !finished && Boolean.parseBoolean(first.attributes().get("hasProtectedSettings"))) {
        throw new IllegalStateException("run " + runId + ": the extensions of scale set " + scaleSetName
            + " have protectedSettings, which the journal never holds; give models(...) to resume it");
      }
      var settings = (RunEvent.RunStarted) EventCodec.decode(first, Optional.ofNullable(model));
      RunEngine engine = wiring.engine(settings, first.time(), lease, records.size());
      new ResumedBatch(engine).resume(records);
      return new RollingUpgradeRun(engine);
    } catch (RuntimeException e) {
      wiring.store.release(lease); // leave it to whoever can read it
      throw e;
    }
  }
}
