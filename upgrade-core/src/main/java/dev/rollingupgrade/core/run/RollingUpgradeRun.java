package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.status.RollbackInfo;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.view.HeatMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The handle of one run (DESIGN §5): list instances, pre-check health, then for each batch (cut
 * from live health by the planner) change its instances concurrently, wait for each to report
 * healthy within {@code healthTimeout}, roll back what failed (when the run rolls back), check the
 * upgraded instances and the whole set against the 20 % rules, pause, and go on until done,
 * faulted or cancelled. What the run changes — an OS image, the latest model — is its
 * {@link #kind()}; the batch loop is the same for all.
 *
 * <p>Every decision is made durable in the {@link dev.rollingupgrade.api.spi.RolloutStore}
 * (under the run's lease) before the side effect it enables, so a run whose host died is picked
 * up by {@link RolloutRecovery} and finished by the same rules. Events go to the run's listeners;
 * logs carry the MDC keys {@code scaleSet}, {@code runId} and {@code batch}.
 *
 * <p>Thread-safe: every method may be called from any thread, and none waits on a driver, health
 * signal or listener — those are called outside the run's lock.
 */
public final class RollingUpgradeRun {
  private final RunEngine engine;
  private final HeatMapProjection heatMaps = new HeatMapProjection();

  RollingUpgradeRun(RunEngine engine) {
    this.engine = engine;
  }

  /** The run's id, unique in its store. */
  public String runId() {
    return engine.runId;
  }

  /** The scale set's name. */
  public String scaleSetName() {
    return engine.name;
  }

  /** What the run changes on each instance. */
  public UpgradeKind kind() {
    return engine.state.settings.kind();
  }

  /** Who started the run; it goes into the history entry. */
  public UpgradeOperationInvoker startedBy() {
    return engine.state.settings.startedBy();
  }

  /** The image the run upgrades to (for a model run, the model's image); it goes into the history entry. */
  public ImageReference targetImageReference() {
    return engine.state.settings.target();
  }

  /** The extension and version an extension run installs; empty for other kinds. */
  public Optional<TargetExtension> targetExtension() {
    return engine.state.settings.extension();
  }

  /** Whether failed instances are rolled back (a run setting, by default on for platform runs). */
  public boolean rollsBack() {
    return engine.rollback;
  }

  /** Completes when the run ends (completed, cancelled or faulted) with its history entry, once that is durable. */
  public CompletionStage<UpgradeHistoryEntry> completion() {
    return engine.done.minimalCompletionStage();
  }

  /** Whether the run has ended and its end (with its history entry) is durable. */
  public boolean isFinished() {
    return engine.executor.read(engine.state::isFinished);
  }

  /**
   * The status now, in the shape of Azure's {@code rollingUpgrades/latest}. Its progress counts
   * always sum to the number of instances the run upgrades (those not already at the target and
   * not protected).
   */
  public RollingUpgradeStatus status() {
    return engine.executor.read(() -> RunProjection.status(engine.state));
  }

  /** The rollback counts so far, as the history entry will carry them. */
  public RollbackInfo rollbackInfo() {
    return engine.executor.read(() -> RunProjection.rollbackInfo(engine.state));
  }

  /** Every listed instance and where it stands, in the order the driver listed them; empty before the plan. */
  public List<InstanceOutcome> outcomes() {
    return engine.executor.read(() -> RunProjection.outcomes(engine.state));
  }

  /** Where one instance stands; empty when the run did not list it (or has not yet). */
  public Optional<InstanceOutcome> outcome(String instanceId) {
    return engine.executor.read(() -> {
      Integer i = engine.state.index.get(instanceId);
      return i == null ? Optional.<InstanceOutcome>empty() : Optional.of(RunProjection.outcome(engine.state, i));
    });
  }

  /**
   * The scale set at a glance now: one row per update domain, one cell per instance with its
   * state — {@code CURRENT} (at the target when listed), {@code OUT_OF_DATE} (waiting for its
   * batch, or protected), {@code UPGRADING} (upgrade call under way), {@code WAITING_FOR_HEALTH}
   * (the call returned; the health wait runs), {@code HEALTHY}, {@code FAILED} or
   * {@code ROLLED_BACK} — as the run knows it, taken in one consistent snapshot. No rows before
   * the instances are listed. Cheap enough to ask for every second: one pass over the instances
   * (the order of the cells is sorted once per run). As text or JSON: {@link HeatMap#toText},
   * {@link HeatMap#toJson}.
   */
  public HeatMap heatMap() {
    return heatMaps.heatMap(engine);
  }

  /** The batches actually run so far, in order, with members, start, end and reason. */
  public List<BatchRun> batches() {
    return engine.executor.read(() -> List.copyOf(engine.state.batches));
  }

  /**
   * Asks the run to stop: no new batch starts; a batch in flight finishes (upgrades, health waits,
   * rollbacks) and the run ends {@code Cancelled}. A run between batches ends at once. Does nothing
   * once the run has ended. The request is journalled (so a resumed run stays cancelled) by the
   * run's executor: this call returns at once.
   */
  public void cancel() {
    engine.cancel();
  }

  /**
   * Stops driving the run at once, as if its host had died: no more driver calls, store writes or
   * events; answers to calls in flight are ignored, and {@link #completion()} never completes.
   * The run's lease is released, so {@link RolloutRecovery} can pick it up at once — e.g. after a
   * redeploy of the host service. Does nothing once the run has ended.
   */
  public void abandon() {
    engine.abandon();
  }
}
