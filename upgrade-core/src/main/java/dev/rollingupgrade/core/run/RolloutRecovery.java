package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.json.AzureJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Picks up runs whose host stopped (crash, redeploy, {@link RollingUpgradeRun#abandon()}) from
 * their journal in the {@link RolloutStore}, and finishes them by the same rules:
 *
 * <pre>{@code
 * List<RollingUpgradeRun> resumed = RolloutRecovery.of(store)
 *     .driver(driver).health(health).scheduler(scheduler)
 *     .models(name -> myModels.get(name))    // the scale sets, with their extension secrets
 *     .resumeAll();
 * }</pre>
 *
 * <p>A resumed run keeps its id, start time, target, policy and plan as journalled. Instances
 * with a recorded verdict keep it; an instance whose upgrade has no recorded answer is checked
 * through the driver (still updating: waited for; at the target: health-waited with the time
 * left; failed: failed; untouched: upgraded now) and never upgraded twice; pending batches follow.
 * A run that had been asked to cancel stays cancelled; a finished run only gets its history
 * entry made sure of. Configure it like {@link RollingUpgrade}; not thread-safe.
 */
public final class RolloutRecovery {
  private final RolloutStore store;
  private InstanceDriver driver;
  private HealthSignal health;
  private Scheduler scheduler;
  private Function<String, ScaleSet> models;
  private final List<UpgradeListener> listeners = new ArrayList<>();
  private Duration callTimeout = Duration.ofMinutes(30);
  private Duration healthCallTimeout = Duration.ofMinutes(1);
  private Duration healthPollInterval = Duration.ofSeconds(5);

  private RolloutRecovery(RolloutStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Recovery of the runs journalled in {@code store}. */
  public static RolloutRecovery of(RolloutStore store) {
    return new RolloutRecovery(store);
  }

  /** The driver. Required. */
  public RolloutRecovery driver(InstanceDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
    return this;
  }

  /** The health source. Required. */
  public RolloutRecovery health(HealthSignal health) {
    this.health = Objects.requireNonNull(health, "health");
    return this;
  }

  /** The scheduler. Required. */
  public RolloutRecovery scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Where the scale set models come from, by name. Needed when extensions carry
   * {@code protectedSettings}, which the journal never holds; without it the model journalled at
   * the start is used.
   */
  public RolloutRecovery models(Function<String, ScaleSet> models) {
    this.models = Objects.requireNonNull(models, "models");
    return this;
  }

  /** Adds a listener to every resumed run. */
  public RolloutRecovery listener(UpgradeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Bound on each driver call; default 30 minutes. */
  public RolloutRecovery callTimeout(Duration timeout) {
    this.callTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** Bound on each health call; default 1 minute. */
  public RolloutRecovery healthCallTimeout(Duration timeout) {
    this.healthCallTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** Poll interval when health is not pushed; default 5 seconds. */
  public RolloutRecovery healthPollInterval(Duration interval) {
    this.healthPollInterval = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /** Ids of the runs in the store that have not finished, oldest first. */
  public List<String> unfinishedRuns() {
    return store.unfinishedRuns();
  }

  /** Resumes every unfinished run; returns their handles in the store's order. */
  public List<RollingUpgradeRun> resumeAll() {
    List<RollingUpgradeRun> runs = new ArrayList<>();
    for (String runId : store.unfinishedRuns()) {
      runs.add(resume(runId));
    }
    return runs;
  }

  /**
   * Resumes one run (finished runs too: nothing is done but making sure of their history entry).
   *
   * @throws IllegalArgumentException if the store has no such run
   * @throws IllegalStateException if driver, health or scheduler is missing, or the model cannot be had
   */
  public RollingUpgradeRun resume(String runId) {
    require(driver, "driver(InstanceDriver)");
    require(health, "health(HealthSignal)");
    require(scheduler, "scheduler(Scheduler)");
    List<RunRecord> records = store.records(runId);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("the store has no run " + runId);
    }
    RunRecord first = records.get(0);
    if (!first.kind().equals(RollingUpgradeRun.RUN_STARTED)) {
      throw new IllegalStateException("run " + runId + " does not start with " + RollingUpgradeRun.RUN_STARTED
          + " but " + first.kind() + ": not a journal of this SDK");
    }
    Map<String, String> a = first.attributes();
    String scaleSetName = a.get("scaleSet");
    ScaleSet model = Optional.ofNullable(models).map(m -> m.apply(scaleSetName)).orElse(null);
    if (model == null) {
      if (Boolean.parseBoolean(a.get("hasProtectedSettings"))) {
        throw new IllegalStateException("run " + runId + ": the extensions of scale set " + scaleSetName
            + " have protectedSettings, which the journal never holds; give models(...) to resume it");
      }
      model = AzureJson.readScaleSet(a.get("model"));
    }
    RollingUpgrade.RunConfig config = new RollingUpgrade.RunConfig(model,
        AzureJson.readRollingUpgradePolicy(a.get("policy")), Boolean.parseBoolean(a.get("disableAutomaticRollback")),
        AzureJson.readImageReference(a.get("target")), UpgradeKind.valueOf(a.get("kind")),
        invoker(a.get("startedBy")), driver, health, scheduler, store, listeners, callTimeout, healthCallTimeout,
        healthPollInterval, runId);
    RollingUpgradeRun run = new RollingUpgradeRun(config, first.time(), records.size());
    run.resume(records);
    return run;
  }

  private static UpgradeOperationInvoker invoker(String azureName) {
    for (UpgradeOperationInvoker i : UpgradeOperationInvoker.values()) {
      if (i.azureName().equals(azureName)) {
        return i;
      }
    }
    throw new IllegalStateException("unknown startedBy in the journal: " + azureName);
  }

  private static void require(Object value, String what) {
    if (value == null) {
      throw new IllegalStateException("recovery needs " + what + " before resuming");
    }
  }
}
