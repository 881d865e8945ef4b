package dev.rollingupgrade.testkit;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Assertions on a run of a {@link RolloutTestEnvironment}, chained; each failure is an
 * {@link AssertionError} saying what was expected and what happened. Works with any test
 * framework.
 */
public final class RunAssert {
  private final RollingUpgradeRun run;
  private final RolloutInvariants invariants;
  private final RunRecorder recorder;
  private final FakeFleet fleet;

  RunAssert(RollingUpgradeRun run, RolloutInvariants invariants, RunRecorder recorder, FakeFleet fleet) {
    this.run = run;
    this.invariants = invariants;
    this.recorder = recorder;
    this.fleet = fleet;
  }

  /**
   * The run obeyed every rule: batch cap, zones and update domains, unhealthy budget, no instance
   * upgraded twice, protected and current instances untouched, rollbacks only where allowed,
   * thresholds, progress and final status. The message lists each broken rule with its virtual
   * time and instances.
   */
  public RunAssert obeysPolicy() {
    UpgradeOperationInvoker startedBy = end().startedBy().orElse(UpgradeOperationInvoker.USER);
    invariants.assertObeyed(recorder, run, startedBy);
    return this;
  }

  /** The run ended {@code Completed}. */
  public RunAssert isCompleted() {
    return endedAs(RollingUpgradeStatusCode.COMPLETED);
  }

  /** The run ended {@code Cancelled}. */
  public RunAssert isCancelled() {
    return endedAs(RollingUpgradeStatusCode.CANCELLED);
  }

  /** The run ended {@code Faulted} with this error code (e.g. {@code MaxUnhealthyInstancePercentExceededBeforeRollingUpgrade}). */
  public RunAssert isFaultedWith(String errorCode) {
    endedAs(RollingUpgradeStatusCode.FAULTED);
    String code = end().error().flatMap(e -> e.code()).orElse("(none)");
    if (!code.equals(errorCode)) {
      throw new AssertionError("expected run " + run.runId() + " to fault with " + errorCode + " but it faulted with "
          + code + ": " + end().error().flatMap(e -> e.message()).orElse(""));
    }
    return this;
  }

  /** Exactly these instances were upgraded (in any order), by the run's kind of change. */
  public RunAssert hasUpgraded(String... instanceIds) {
    return sameIds("upgraded", run.kind() == dev.rollingupgrade.core.run.UpgradeKind.MODEL
        ? DriverCall.Kind.APPLY_LATEST_MODEL : DriverCall.Kind.REPLACE_OS_DISK, instanceIds);
  }

  /** Exactly these instances were rolled back (in any order). */
  public RunAssert hasRolledBack(String... instanceIds) {
    return sameIds("rolled back", DriverCall.Kind.RESTORE_OS_DISK, instanceIds);
  }

  /** The run's final history entry (waits for nothing: the run must have ended). */
  public UpgradeHistoryEntry end() {
    if (!run.isFinished()) {
      throw new AssertionError("run " + run.runId() + " has not ended at " + fleetTime()
          + ": move virtual time on (env.runUntilDone()) first");
    }
    return run.completion().toCompletableFuture().join();
  }

  private RunAssert endedAs(RollingUpgradeStatusCode expected) {
    RollingUpgradeStatusCode code = end().runningStatus().flatMap(r -> r.code()).orElseThrow();
    if (code != expected) {
      throw new AssertionError("expected run " + run.runId() + " to end " + expected.azureName() + " but it ended "
          + code.azureName() + end().error().map(e -> " (" + e.code().orElse("") + ": " + e.message().orElse("") + ")")
          .orElse("") + "; progress " + end().progress().orElseThrow());
    }
    return this;
  }

  private RunAssert sameIds(String what, DriverCall.Kind kind, String... expected) {
    Set<String> actual = fleet.stateChangingCalls().stream().filter(c -> c.kind() == kind)
        .map(DriverCall::instanceId).collect(Collectors.toCollection(TreeSet::new));
    Set<String> wanted = new TreeSet<>(List.of(expected));
    if (!actual.equals(wanted)) {
      throw new AssertionError("expected exactly " + wanted + " to be " + what + ", but " + actual + " were");
    }
    return this;
  }

  private String fleetTime() {
    return recorder.events().isEmpty() ? "the start" : recorder.events().get(recorder.events().size() - 1).time().toString();
  }
}
