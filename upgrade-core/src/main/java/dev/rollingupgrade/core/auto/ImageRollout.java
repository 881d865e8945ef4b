package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.core.run.RollingUpgradeRun;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One image release rolled out over many scale sets in many regions, availability first (DESIGN
 * §6): phase after phase of the {@link PhasePlan}; the regions of a phase side by side; in a
 * region, its waves one after another (so two zones of a region are never in flight together);
 * the scale sets of a wave side by side, each by its own rolling run on the run engine. A phase
 * starts only when every run of the previous one completed (failed instances within the
 * thresholds allowed). A run that faults stops the rollout: nothing new starts, the runs in flight
 * finish, the rollout ends {@code FAULTED} naming the set and why, and later phases stay
 * untouched.
 *
 * <p>The plan, each wave (before its runs start), each member's end (before it is acted on),
 * removals, cancel and the end are journalled in
 * the {@link dev.rollingupgrade.api.spi.RolloutStore} under the rollout's id, so {@link
 * RolloutBuilder#resume(String)} carries on after a crash: finished runs keep their outcome, runs
 * in flight are resumed from their own journals, later waves follow. Its runs are
 * {@code <rolloutId>/<scale set>}. The end goes into the store's history under
 * {@link #HISTORY_KEY}. Thread-safe.
 */
public final class ImageRollout {
  /** The history key under which the store keeps the rollouts' entries (no scale set has this name). */
  public static final String HISTORY_KEY = "(rollouts)";

  private final RolloutWalk walk;

  ImageRollout(RolloutWalk walk) {
    this.walk = walk;
  }

  /** Starts configuring a rollout (or a resume). */
  public static RolloutBuilder builder() {
    return new RolloutBuilder();
  }

  /** The rollout's id (its journal in the store). */
  public String rolloutId() {
    return walk.rolloutId();
  }

  /** The phase plan, as journalled at the start. */
  public PhasePlan plan() {
    return walk.plan();
  }

  /** The exact version scale set {@code name} is rolled to, if it is a member. */
  public Optional<String> targetVersion(String name) {
    return walk.targetVersion(name);
  }

  /** The extension and version scale set {@code name} is rolled to, if it is a member of an extension rollout. */
  public Optional<dev.rollingupgrade.api.status.TargetExtension> targetExtension(String name) {
    return walk.targetExtension(name);
  }

  /** Where the rollout is now. */
  public RolloutStatus status() {
    return walk.status();
  }

  /** Completes with the final status once the rollout ended and its end is durable. */
  public CompletionStage<RolloutStatus> completion() {
    return walk.completion();
  }

  /** Whether the rollout has ended. */
  public boolean isFinished() {
    return walk.isFinished();
  }

  /** The run of scale set {@code name} in this rollout, once started here (not for runs that ended before a resume). */
  public Optional<RollingUpgradeRun> run(String name) {
    return walk.run(name);
  }

  /**
   * Starts no new wave or phase; every run in flight is cancelled (its batch in flight finishes),
   * then the rollout ends {@code CANCELLED}. Does nothing once it ended.
   */
  public void cancel() {
    walk.cancel();
  }

  /**
   * Takes scale set {@code name} out of the rollout (its automatic upgrades were disabled): not
   * started, it never will be; in flight, its run is cancelled (its batch finishes). Its outcome
   * then does not count against the phase.
   */
  public void remove(String name) {
    walk.remove(name);
  }

  /**
   * Stops driving the rollout and its runs on this host, e.g. before a redeploy: they stay
   * unfinished in the store and their leases are released, so {@link RolloutBuilder#resume} can
   * pick the rollout up at once. Its {@link #completion()} never completes. Does nothing once it
   * ended.
   */
  public void abandon() {
    walk.abandon();
  }
}
