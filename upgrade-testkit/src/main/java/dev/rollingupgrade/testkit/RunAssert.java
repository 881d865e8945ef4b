package dev.rollingupgrade.testkit;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.BatchRun;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Assertions on a run of a {@link RolloutTestEnvironment}, chained; each failure is an
 * {@link AssertionError} saying what was expected and what happened. Checks the whole run against
 * the rules ({@link #obeysPolicy()}), its outcome, the instances upgraded and rolled back, and its
 * batches ({@link #hasBatchCount}, {@link #hasBatch}, {@link #startedNoBatchAfter}). Works with any
 * test framework. Not thread-safe: check a run once virtual time stopped moving.
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
    return sameIds("upgraded", upgradeCall(), instanceIds);
  }

  /** Exactly these instances were rolled back (in any order): OS disk restored, or previous extension version reinstalled. */
  public RunAssert hasRolledBack(String... instanceIds) {
    return run.targetExtension().map(x -> sameIds("rolled back", extensionSetTo(x.version()).negate()
            .and(c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION), instanceIds))
        .orElseGet(() -> sameIds("rolled back", c -> c.kind() == DriverCall.Kind.RESTORE_OS_DISK, instanceIds));
  }

  private Predicate<DriverCall> extensionSetTo(String version) {
    String detail = run.targetExtension().orElseThrow().name() + "=" + version;
    return c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION && c.detail().equals(detail);
  }

  /**
   * The batches the run started, in order, each with its number, members, start and end (virtual
   * time) and why it was cut there: {@link RollingUpgradeRun#batches()}, for checks of your own.
   */
  public List<BatchRun> batches() {
    return run.batches();
  }

  /** The run started exactly {@code count} batches. */
  public RunAssert hasBatchCount(int count) {
    List<BatchRun> batches = batches();
    if (batches.size() != count) {
      throw new AssertionError("expected run " + run.runId() + " to start " + count + " batches but it started "
          + batches.size() + ": " + describe(batches));
    }
    return this;
  }

  /** Batch {@code number} (from 1) held exactly these instances (in any order). */
  public RunAssert hasBatch(int number, String... instanceIds) {
    BatchRun batch = batches().stream().filter(b -> b.number() == number).findFirst()
        .orElseThrow(() -> new AssertionError("expected run " + run.runId() + " to start batch " + number
            + " but it started " + batches().size() + " batches: " + describe(batches())));
    Set<String> actual = new TreeSet<>(batch.instanceIds());
    Set<String> wanted = new TreeSet<>(List.of(instanceIds));
    if (!actual.equals(wanted)) {
      throw new AssertionError("expected batch " + number + " to hold exactly " + wanted + " but it held " + actual);
    }
    return this;
  }

  /**
   * Nothing new was started after {@code time} (a cancel, a maintenance stop): every batch started
   * at or before it, and the fleet upgraded no instance after it other than the members of those
   * batches. Rollbacks after {@code time} are allowed.
   */
  public RunAssert startedNoBatchAfter(Instant time) {
    Objects.requireNonNull(time, "time");
    Set<String> members = new TreeSet<>();
    for (BatchRun batch : batches()) {
      if (batch.start().isAfter(time)) {
        throw new AssertionError("expected no batch to start after " + time + " but " + describe(batch)
            + " (batches: " + describe(batches()) + ")");
      }
      members.addAll(batch.instanceIds());
    }
    Predicate<DriverCall> upgrade = upgradeCall();
    fleet.stateChangingCalls().stream()
        .filter(c -> c.time().isAfter(time) && upgrade.test(c) && !members.contains(c.instanceId()))
        .findFirst().ifPresent(c -> {
          throw new AssertionError("expected no upgrade to start after " + time + " but instance " + c.instanceId()
              + ", in no batch started by then, was upgraded at " + c.time());
        });
    return this;
  }

  private static String describe(List<BatchRun> batches) {
    return batches.stream().map(RunAssert::describe).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String describe(BatchRun batch) {
    return "batch " + batch.number() + " " + batch.instanceIds() + " started " + batch.start();
  }

  private Predicate<DriverCall> upgradeCall() {
    return switch (run.kind()) {
      case MODEL -> c -> c.kind() == DriverCall.Kind.APPLY_LATEST_MODEL;
      case OS_IMAGE -> c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK;
      case EXTENSION -> extensionSetTo(run.targetExtension().orElseThrow().version());
    };
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

  private RunAssert sameIds(String what, Predicate<DriverCall> counted, String... expected) {
    Set<String> actual = fleet.stateChangingCalls().stream().filter(counted)
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
