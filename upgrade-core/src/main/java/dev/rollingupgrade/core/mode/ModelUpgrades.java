package dev.rollingupgrade.core.mode;

import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.ModelStore;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.core.run.RunScope;
import dev.rollingupgrade.core.run.UpgradeKind;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model update workflow and the three upgrade modes of one scale set (DESIGN §8, the seed's
 * "Upgrade a virtual machine scale set"): get the model, change it, put it back; the instances go
 * out of date ({@code latestModelApplied=false}); then the set's mode decides what moves.
 *
 * <pre>{@code
 * ModelUpgrades vmss = ModelUpgrades.of("vmss")
 *     .models(modelStore).driver(driver).health(health).scheduler(scheduler).store(journal);
 * vmss.updateModel(OsUpdate.platformVersion("18.04.201804262"));   // Manual: nothing moves yet
 * vmss.upgradeUpdateDomain(0);                                       // update domain 0, at once
 * vmss.manualUpgrade(List.of("7", "9"));                             // chosen instances, at once
 * vmss.rollingUpgrade(20);                                           // the rest, 20 % per batch
 * }</pre>
 *
 * <ul>
 *   <li>{@code Manual}: nothing moves until {@link #manualUpgrade}, {@link #upgradeUpdateDomain} or
 *       {@link #rollingUpgrade} is called; each upgrades the out-of-date instances it names and no
 *       other.
 *   <li>{@code Automatic}: a model update that reaches the instances upgrades every out-of-date one
 *       at once, logged as a WARN and sent as a {@code DOWNTIME_WARNING} event.
 *   <li>{@code Rolling}: a model update starts a rolling run with the set's rolling policy.
 * </ul>
 *
 * <p>Every run is a {@link UpgradeKind#MODEL} run of the engine: journalled in the store, resumed
 * with {@link #resume()} (or {@link RolloutRecovery}) after a crash, with the health wait of the
 * policy after each upgrade (a model cannot be rolled back). One run at a time: a call while a run
 * is in progress is refused. Calls that need the fleet complete their stage once the driver
 * answered (within the options' call timeout, on the scheduler's clock); bad arguments throw at
 * once. Thread-safe.
 */
public final class ModelUpgrades {
  private static final Logger LOG = LoggerFactory.getLogger(ModelUpgrades.class);

  private final String scaleSetName;
  private ModelStore models;
  private InstanceDriver driver;
  private HealthSignal health;
  private Scheduler scheduler;
  private RolloutStore store;
  private RunOptions options = RunOptions.defaults();
  private final List<UpgradeListener> listeners = new ArrayList<>();
  private RollingUpgradeRun current;
  private boolean starting; // a call is between its check and its run's start

  private ModelUpgrades(String scaleSetName) {
    if (scaleSetName == null || scaleSetName.isBlank()) {
      throw new IllegalArgumentException("scaleSetName must not be blank");
    }
    this.scaleSetName = scaleSetName;
  }

  /** The workflow of scale set {@code scaleSetName}; give it its plug-ins next. */
  public static ModelUpgrades of(String scaleSetName) {
    return new ModelUpgrades(scaleSetName);
  }

  /** Where the model is read and written. Required. */
  public synchronized ModelUpgrades models(ModelStore models) {
    this.models = Objects.requireNonNull(models, "models");
    return this;
  }

  /** The driver. Required. */
  public synchronized ModelUpgrades driver(InstanceDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
    return this;
  }

  /** The health source. Required. */
  public synchronized ModelUpgrades health(HealthSignal health) {
    this.health = Objects.requireNonNull(health, "health");
    return this;
  }

  /** The scheduler. Required. */
  public synchronized ModelUpgrades scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** The journal of the runs; an in-memory one (on the scheduler's time) by default. */
  public synchronized ModelUpgrades store(RolloutStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Timeouts, owner and lease of the runs; {@link RunOptions#defaults()} by default. */
  public synchronized ModelUpgrades options(RunOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return this;
  }

  /** Adds a listener: it gets every run's events and {@code MODEL_UPDATED}. */
  public synchronized ModelUpgrades listener(UpgradeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** The scale set's name. */
  public String scaleSetName() {
    return scaleSetName;
  }

  /**
   * The model now (the workflow's "get").
   *
   * @return a stage that fails with a {@link TimeoutException} when the store does not answer
   *     within the options' call timeout
   */
  public CompletionStage<ScaleSet> model() {
    return withinCallTimeout("get(" + scaleSetName + ")", requireModels().get(scaleSetName));
  }

  /**
   * Applies one of the four kinds of OS update to the model ({@link #updateModel(UnaryOperator)}).
   *
   * @return a stage that fails with an {@code InvalidModelException} naming the field when the
   *     update does not fit the set's image form, for in-guest patching, or as the other overload
   */
  public CompletionStage<ModelUpdate> updateModel(OsUpdate update) {
    Objects.requireNonNull(update, "update");
    return updateModel(update::applyTo);
  }

  /**
   * Gets the model, changes it with {@code change}, checks the change ({@link ModelChange#between})
   * and puts it back; then the set's upgrade mode decides what moves (see the class comment).
   *
   * @return a stage with what was changed and started; it fails with an {@code InvalidModelException}
   *     naming each refused field (nothing is stored then), or with the store's or driver's failure
   *     (if the run could not start after the model was stored, the model stays stored: call
   *     {@link #model()} to see it)
   * @throws IllegalStateException when a run is in progress (cancel it or let it finish first), or
   *     a plug-in is missing
   */
  public CompletionStage<ModelUpdate> updateModel(UnaryOperator<ScaleSet> change) {
    Objects.requireNonNull(change, "change");
    begin();
    return guarded(() -> model().thenCompose(before -> {
      ModelChange checked = ModelChange.between(before, Objects.requireNonNull(change.apply(before), "changed model"));
      return withinCallTimeout("put(" + scaleSetName + ")", requireModels().put(checked.after()))
          .thenApply(ignored -> afterPut(checked));
    }));
  }

  /**
   * Upgrades just these instances to the latest model, all at once ({@code manualUpgrade}). Ids
   * already at the latest model are left alone.
   *
   * @return a stage with the run; it fails with an {@link IllegalArgumentException} naming every
   *     id the driver does not list (nothing is upgraded then)
   * @throws IllegalArgumentException for no ids or a blank one
   * @throws IllegalStateException when a run is in progress
   */
  public CompletionStage<RollingUpgradeRun> manualUpgrade(Collection<String> instanceIds) {
    RunScope scope = RunScope.instances(Objects.requireNonNull(instanceIds, "instanceIds"));
    begin();
    return guarded(() -> listInstances().thenCompose(listed -> {
      Set<String> known = new HashSet<>(); // lookups only
      listed.forEach(i -> known.add(i.instanceId()));
      List<String> unknown = scope.instanceIds().orElseThrow().stream().filter(id -> !known.contains(id)).toList();
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("scale set " + scaleSetName + " has no instance " + shortList(unknown)
            + " (it has " + listed.size() + " instances); nothing was upgraded");
      }
      return startRun(scope, null, UpgradeOperationInvoker.USER);
    }));
  }

  /**
   * Upgrades the out-of-date instances of one update domain to the latest model, all at once.
   *
   * @return a stage with the run; it fails with an {@link IllegalArgumentException} when no
   *     instance is in that update domain (naming the domains there are)
   * @throws IllegalArgumentException for a domain below 0 or above {@value RunScope#MAX_UPDATE_DOMAIN}
   * @throws IllegalStateException when a run is in progress
   */
  public CompletionStage<RollingUpgradeRun> upgradeUpdateDomain(int updateDomain) {
    RunScope scope = RunScope.updateDomain(updateDomain);
    begin();
    return guarded(() -> listInstances().thenCompose(listed -> {
      TreeSet<Integer> domains = new TreeSet<>();
      listed.forEach(i -> domains.add(i.platformUpdateDomain()));
      if (!domains.contains(updateDomain)) {
        throw new IllegalArgumentException("scale set " + scaleSetName + " has no instance in update domain "
            + updateDomain + " (its update domains: " + domains + "); nothing was upgraded");
      }
      return startRun(scope, null, UpgradeOperationInvoker.USER);
    }));
  }

  /**
   * Upgrades every out-of-date instance to the latest model in rolling batches of at most
   * {@code maxBatchInstancePercent} % of the set, under the rest of the set's rolling policy.
   *
   * @return a stage with the run; it fails with an {@link IllegalArgumentException} when the batch
   *     size is above the policy's {@code maxUnhealthyInstancePercent} (the instances of a batch are
   *     unavailable together and count against it: raise that limit first with {@link #updateModel})
   * @throws IllegalArgumentException for a percentage outside 5..100
   * @throws IllegalStateException when a run is in progress
   */
  public CompletionStage<RollingUpgradeRun> rollingUpgrade(int maxBatchInstancePercent) {
    if (maxBatchInstancePercent < 5 || maxBatchInstancePercent > 100) {
      throw new IllegalArgumentException("maxBatchInstancePercent must be between 5 and 100, was "
          + maxBatchInstancePercent);
    }
    begin();
    return guarded(() -> model().thenApply(set -> {
      RollingUpgradePolicy policy = set.upgradePolicy().rollingUpgradePolicy();
      // a batch's instances are unavailable together: the gate's limit is not raised behind the user's back
      if (maxBatchInstancePercent > policy.maxUnhealthyInstancePercent()) {
        throw new IllegalArgumentException("maxBatchInstancePercent " + maxBatchInstancePercent + " is above the set's "
            + "properties.upgradePolicy.rollingUpgradePolicy.maxUnhealthyInstancePercent "
            + policy.maxUnhealthyInstancePercent() + ": a batch's instances are unavailable together and count against "
            + "it. Choose at most " + policy.maxUnhealthyInstancePercent() + " %, or raise the limit with updateModel "
            + "first");
      }
      return startRun(set, RunScope.rolling(), RollingUpgradePolicy.builder().from(policy)
          .maxBatchInstancePercent(maxBatchInstancePercent).build(), UpgradeOperationInvoker.USER);
    }));
  }

  /**
   * Asks the run in progress to stop after its batch in flight.
   *
   * @throws IllegalStateException when no run is in progress
   */
  public void cancel() {
    RollingUpgradeRun run = currentRun().filter(r -> !r.isFinished()).orElseThrow(() -> new IllegalStateException(
        "no upgrade of scale set " + scaleSetName + " is in progress: nothing to cancel"));
    run.cancel();
  }

  /** The run started (or resumed) last, finished or not. */
  public synchronized Optional<RollingUpgradeRun> currentRun() {
    return Optional.ofNullable(current);
  }

  /**
   * The heat map now: the run in progress's, or else one made from the driver's list (each
   * instance current or out of date).
   */
  public CompletionStage<HeatMap> heatMap() {
    Optional<HeatMap> running = currentRun().filter(r -> !r.isFinished()).map(RollingUpgradeRun::heatMap)
        .filter(map -> map.size() > 0); // a run that has not listed its instances yet shows none
    if (running.isPresent()) {
      return CompletableFuture.completedFuture(running.get());
    }
    return listInstances().thenApply(listed -> {
      List<HeatMap.Cell> cells = new ArrayList<>(listed.size());
      for (Instance i : listed) {
        cells.add(new HeatMap.Cell(i.instanceId(), i.zone(), i.platformUpdateDomain(),
            i.latestModelApplied() ? CellState.CURRENT : CellState.OUT_OF_DATE, 0));
      }
      return HeatMap.of(scaleSetName, "", requireScheduler().now(), cells);
    });
  }

  /**
   * Resumes this set's unfinished runs from the store (after a crash or redeploy) and makes the
   * last one the current run. Runs of other scale sets in the store are left alone.
   *
   * @return the resumed runs, oldest first
   */
  public synchronized List<RollingUpgradeRun> resume() {
    RolloutStore journal = requireStore();
    RolloutRecovery recovery = RolloutRecovery.of(journal).driver(require(driver, "driver(InstanceDriver)"))
        .health(require(health, "health(HealthSignal)")).scheduler(requireScheduler()).options(options);
    listeners.forEach(recovery::listener);
    List<RollingUpgradeRun> resumed = new ArrayList<>();
    for (String runId : recovery.unfinishedRuns()) {
      var records = journal.records(runId);
      if (!records.isEmpty() && scaleSetName.equals(records.get(0).attributes().get("scaleSet"))
          && UpgradeKind.MODEL.name().equals(records.get(0).attributes().get("kind"))) {
        resumed.add(recovery.resume(runId));
      }
    }
    if (!resumed.isEmpty()) {
      current = resumed.get(resumed.size() - 1);
    }
    return resumed;
  }

  // ---- internals ----

  private ModelUpdate afterPut(ModelChange change) {
    ScaleSet model = change.after();
    emit(UpgradeEventType.MODEL_UPDATED, change.isEmpty() ? "no field changed"
        : String.join("; ", change.changes()));
    LOG.info("model of {} updated: {}", scaleSetName, change.isEmpty() ? "no field changed" : change.changes());
    UpgradeMode mode = model.upgradePolicy().mode();
    // a set switched from Manual may have instances out of date already: its new mode moves them
    boolean modeChanged = change.before().upgradePolicy().mode() != mode;
    if (!(change.reachesInstances() || modeChanged) || mode == UpgradeMode.MANUAL) {
      endStarting();
      return new ModelUpdate(change, mode, Optional.empty());
    }
    RunScope scope = mode == UpgradeMode.AUTOMATIC ? RunScope.allAtOnce() : RunScope.rolling();
    return new ModelUpdate(change, mode, Optional.of(startRun(model, scope, null, UpgradeOperationInvoker.PLATFORM)));
  }

  private CompletionStage<RollingUpgradeRun> startRun(RunScope scope, RollingUpgradePolicy policy,
      UpgradeOperationInvoker by) {
    return model().thenApply(set -> startRun(set, scope, policy, by));
  }

  private RollingUpgradeRun startRun(ScaleSet set, RunScope scope, RollingUpgradePolicy policy,
      UpgradeOperationInvoker by) {
    RollingUpgrade upgrade;
    synchronized (this) {
      upgrade = RollingUpgrade.of(set).kind(UpgradeKind.MODEL).scope(scope).startedBy(by)
          .driver(require(driver, "driver(InstanceDriver)")).health(require(health, "health(HealthSignal)"))
          .scheduler(requireScheduler()).store(requireStore()).options(options);
      listeners.forEach(upgrade::listener);
    }
    if (policy != null) {
      upgrade.policy(policy);
    }
    RollingUpgradeRun run = upgrade.start();
    synchronized (this) {
      current = run;
      starting = false;
    }
    return run;
  }

  /** Refuses a second operation while a run is in progress or another call is starting one. */
  private synchronized void begin() {
    // every plug-in a run needs, checked before anything is stored
    require(models, "models(ModelStore)");
    require(driver, "driver(InstanceDriver)");
    require(health, "health(HealthSignal)");
    require(scheduler, "scheduler(Scheduler)");
    if (starting) {
      throw new IllegalStateException("another upgrade of scale set " + scaleSetName + " is being started");
    }
    if (current != null && !current.isFinished()) {
      throw new IllegalStateException("run " + current.runId() + " of scale set " + scaleSetName
          + " is in progress: cancel it or let it finish first");
    }
    starting = true;
  }

  private synchronized void endStarting() {
    starting = false;
  }

  /**
   * Runs an operation begun with {@link #begin()}; whatever fails (a throw of a plug-in or a
   * failed stage) ends the "starting" state and comes out as the failed stage.
   */
  private <T> CompletionStage<T> guarded(Supplier<CompletionStage<T>> operation) {
    CompletionStage<T> stage;
    try {
      stage = operation.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete((value, failure) -> {
      if (failure != null) {
        endStarting();
      }
    });
  }

  /** The first ids (control characters escaped) and how many more: a message stays short and one line. */
  static String shortList(List<String> ids) {
    int shown = Math.min(ids.size(), 10);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      s.append(i == 0 ? "" : ", ").append(printable(ids.get(i)));
    }
    return ids.size() > shown ? s.append(" and ").append(ids.size() - shown).append(" more").toString() : s.toString();
  }

  private static String printable(String id) {
    StringBuilder s = new StringBuilder();
    id.codePoints().limit(80).forEach(c -> {
      if (Character.isISOControl(c)) {
        s.append(String.format("\\u%04x", c));
      } else {
        s.appendCodePoint(c);
      }
    });
    return id.codePointCount(0, id.length()) > 80 ? s.append("...").toString() : s.toString();
  }

  private CompletionStage<List<Instance>> listInstances() {
    return withinCallTimeout("listInstances(" + scaleSetName + ")",
        require(driver, "driver(InstanceDriver)").listInstances(scaleSetName));
  }

  /** A plug-in's stage, failed with a {@link TimeoutException} once the call timeout passes on the scheduler's clock. */
  private <T> CompletionStage<T> withinCallTimeout(String call, CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Duration timeout = options.callTimeout();
    var timer = requireScheduler().schedule(timeout, () -> result.completeExceptionally(
        new TimeoutException(call + " did not answer within " + timeout)));
    stage.whenComplete((value, failure) -> {
      timer.cancel();
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    });
    return result;
  }

  private void emit(UpgradeEventType type, String message) {
    List<UpgradeListener> to;
    synchronized (this) {
      to = List.copyOf(listeners);
    }
    UpgradeEvent event = UpgradeEvent.builder().type(type).time(requireScheduler().now()).scaleSetName(scaleSetName)
        .runId("").message(message).build();
    for (UpgradeListener l : to) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed on {}: {}", l, type, e.toString());
      }
    }
  }

  private synchronized ModelStore requireModels() {
    return require(models, "models(ModelStore)");
  }

  private synchronized Scheduler requireScheduler() {
    return require(scheduler, "scheduler(Scheduler)");
  }

  private synchronized RolloutStore requireStore() {
    if (store == null) {
      store = new InMemoryRolloutStore(SchedulerClock.of(requireScheduler())); // leases on the runs' own time
    }
    return store;
  }

  private <T> T require(T value, String what) {
    if (value == null) {
      throw new IllegalStateException("the upgrades of scale set " + scaleSetName + " need " + what + " first");
    }
    return value;
  }

  @Override
  public String toString() {
    return "ModelUpgrades{" + scaleSetName + "}";
  }
}
