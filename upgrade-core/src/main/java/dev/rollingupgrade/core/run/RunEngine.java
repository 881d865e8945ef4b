package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.EMPTY_UPDATE_DOMAIN;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.EXTERNAL_RESOURCES;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.HEALTH_TIMEOUT;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.INSTANCE_UNHEALTHY;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.LIST_FAILED;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.UNKNOWN_INSTANCES;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.UPGRADE_FAILED;
import static dev.rollingupgrade.api.status.RollingUpgradeErrorCodes.UPGRADE_TIMED_OUT;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.plan.Batch;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.run.RunEvent.BatchFinished;
import dev.rollingupgrade.core.run.RunEvent.BatchStarted;
import dev.rollingupgrade.core.run.RunEvent.InstanceFailed;
import dev.rollingupgrade.core.run.RunEvent.InstanceSucceeded;
import dev.rollingupgrade.core.run.RunEvent.PauseStarted;
import dev.rollingupgrade.core.run.RunEvent.Planned;
import dev.rollingupgrade.core.run.RunEvent.UpgradeReturned;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch loop of every kind of run (DESIGN §5), knowing nothing of what the change is
 * ({@link UpgradeAction}): list → plan → gate → cut a batch → act on its instances concurrently →
 * verdicts (health within the timeout) → rollbacks → checks → gate → pause → next, until done,
 * faulted or cancelled. Decisions go through {@link RunLifecycle#commit}; the end, cancel, lease
 * and failures are in {@link RunLifecycle}, rollbacks in {@link Rollbacks}, the pick-up of work in
 * flight after a resume in {@link ResumedBatch}. Everything runs on the run's executor.
 */
final class RunEngine extends RunLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

  private int outstanding;
  private Instant gateSince;
  private Runnable gateRetry;

  RunEngine(RunParts parts) {
    super(parts);
    health.onPush(() -> {
      if (gateRetry != null && state.initializingLive == 0) {
        retryGate();
      }
    });
  }

  private RollingUpgradePolicy policy() {
    return state.settings.policy();
  }

  // ---- a new run: list and plan ----

  /** A fresh run: journals its configuration, then lists the instances. */
  void start() {
    keepLease();
    executor.execute(() -> commit(state.settings, () -> {
      LOG.info("rolling upgrade of {} ({}) started by {}: {}", name, action.applyName(),
          state.settings.startedBy().azureName(), state.settings.scope().describe());
      preflightThenList();
    }));
  }

  /** Checks the model's external resources, when a check is configured, before anything is touched. */
  void preflightThenList() {
    if (preflight.isEmpty()) {
      listInstances();
      return;
    }
    var model = state.settings.model();
    executor.call(() -> "preflight(" + name + ")", () -> preflight.get().check(model), callTimeout, (problems, failure) -> {
      if (failure != null) {
        finish(RollingUpgradeStatusCode.FAULTED, error(EXTERNAL_RESOURCES, "the preflight of the external resources of "
            + name + " did not answer: " + describe(failure) + "; no instance was touched", List.of()));
      } else if (!problems.isEmpty()) {
        finish(RollingUpgradeStatusCode.FAULTED, Preflight.failure(name, problems));
      } else {
        listInstances();
      }
    });
  }

  void listInstances() {
    executor.call(() -> "listInstances(" + name + ")", () -> driver.listInstances(name), callTimeout, (list, failure) -> {
      if (failure != null) {
        finish(RollingUpgradeStatusCode.FAULTED, error(LIST_FAILED, "cannot list the instances of " + name + ": "
            + describe(failure), List.of()));
      } else {
        onListed(list);
      }
    });
  }

  private void onListed(List<Instance> listed) {
    List<InstanceSnapshot> snapshots = new ArrayList<>(listed.size());
    Map<String, Optional<String>> zones = new HashMap<>(); // one Optional per zone, not per instance; lookups only
    for (Instance instance : listed) {
      Optional<String> zone = instance.zone().isEmpty() ? Optional.empty()
          : zones.computeIfAbsent(instance.zone().get(), Optional::of);
      snapshots.add(new InstanceSnapshot(instance.instanceId(), zone, instance.platformUpdateDomain(),
          HealthState.HEALTHY, !action.atTarget(instance), instance.protectFromScaleSetActions()));
    }
    List<String> duplicates = state.listed(snapshots);
    if (!duplicates.isEmpty()) {
      finish(RollingUpgradeStatusCode.FAULTED, error(LIST_FAILED, "the driver listed instance ids twice: "
          + shortList(duplicates), List.of()));
      return;
    }
    Optional<ApiError> outOfScope = scopeProblem(listed);
    if (outOfScope.isPresent()) {
      finish(RollingUpgradeStatusCode.FAULTED, outOfScope.get());
      return;
    }
    health.subscribe();
    // the plan is made from the health before the first batch (unhealthy first, when asked)
    executor.execute(() -> health.sweep(() -> {
      List<InstanceSnapshot> planned = new ArrayList<>(state.table.size());
      for (int i = 0; i < state.table.size(); i++) {
        InstanceSnapshot s = state.table.get(i);
        planned.add(s.health() == state.live[i] ? s : s.withHealth(state.live[i]));
      }
      commit(new Planned(planned), () -> {
        LOG.info("{} instances, {} to upgrade, batch cap {}, unhealthy budget {}", state.table.size(), state.candidates,
            state.cursor.batchCap(), state.cursor.unhealthyBudget());
        events.emit(UpgradeEventType.RUN_STARTED, 0, List.of(), null, state.table.size() + " instances, "
            + state.candidates + " to upgrade, batch cap " + state.cursor.batchCap());
        if (state.settings.scope().isWholeSetAtOnce() && state.candidates > 0) {
          LOG.warn("upgradePolicy.mode {}: all {} out-of-date instances of {} are upgraded at once and are "
              + "unavailable together", state.settings.mode().azureName(), state.candidates, name);
          events.emit(UpgradeEventType.DOWNTIME_WARNING, 0, List.of(), null, "all " + state.candidates
              + " out-of-date instances are upgraded at once: they are unavailable together");
        }
        gate(true, this::nextBatch);
      });
    }));
  }

  /** Ids of a scoped run the driver did not list, or an update domain with no instance: fail before any upgrade. */
  private Optional<ApiError> scopeProblem(List<Instance> listed) {
    RunScope scope = state.settings.scope();
    if (scope.instanceIds().isPresent()) {
      Set<String> known = new HashSet<>(); // lookups only
      listed.forEach(i -> known.add(i.instanceId()));
      List<String> unknown = scope.instanceIds().get().stream().filter(id -> !known.contains(id)).toList();
      if (!unknown.isEmpty()) {
        return Optional.of(error(UNKNOWN_INSTANCES, "scale set " + name + " has no instance " + shortList(unknown)
            + "; nothing was upgraded", List.of()));
      }
    }
    if (scope.updateDomain().isPresent()) {
      int ud = scope.updateDomain().getAsInt();
      TreeSet<Integer> domains = new TreeSet<>();
      listed.forEach(i -> domains.add(i.platformUpdateDomain()));
      if (!domains.contains(ud)) {
        return Optional.of(error(EMPTY_UPDATE_DOMAIN, "scale set " + name + " has no instance in update domain " + ud
            + " (its update domains: " + domains + "); nothing was upgraded", List.of()));
      }
    }
    return Optional.empty();
  }

  // ---- the gate ----

  /** More than maxUnhealthyInstancePercent of N unhealthy stops the run; initializing instances are waited for. */
  void gate(boolean beforeFirstBatch, Runnable pass) {
    if (gateSince == null) {
      gateSince = now();
    }
    boolean waitedEnough = !now().isBefore(gateSince.plus(policy().healthTimeout()));
    if (state.initializingLive > 0 && !waitedEnough && !state.cancelRequested) {
      LOG.debug("{} instances initializing: waiting before the gate", state.initializingLive);
      gateRetry = () -> gate(beforeFirstBatch, pass);
      // pushed health re-runs the gate as soon as nothing initializes; the timer ends the wait (or polls)
      Duration left = Duration.between(now(), gateSince.plus(policy().healthTimeout()));
      Duration wait = health.pushes() || left.compareTo(pollInterval) < 0 ? left : pollInterval;
      gateTimer = executor.schedule(wait, this::retryGate);
      return;
    }
    gateSince = null;
    int n = state.table.size();
    int unhealthy = state.unhealthyLive + state.initializingLive;
    Optional<String> stop = PolicyChecks.gate(unhealthy, n, policy().maxUnhealthyInstancePercent(), beforeFirstBatch);
    if (stop.isEmpty()) {
      pass.run();
      return;
    }
    List<ApiErrorDetail> details = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HealthState h = state.live[i];
      if (h.countsAsUnhealthy() || h == HealthState.INITIALIZING) {
        ids.add(state.id(i));
        details.add(ApiErrorDetail.of(INSTANCE_UNHEALTHY, state.id(i), "instance " + state.id(i) + " is " + h));
      }
    }
    String when = beforeFirstBatch ? "before the rolling upgrade" : "during the rolling upgrade";
    finish(RollingUpgradeStatusCode.FAULTED, error(stop.get(), unhealthy + " of " + n + " instances unhealthy " + when
        + " (" + PolicyChecks.percent(unhealthy, n) + " > " + policy().maxUnhealthyInstancePercent() + " %): "
        + shortList(ids), details));
  }

  @Override
  void cancelRequested() {
    if (gateRetry != null) {
      retryGate(); // no need to wait for initializing instances: no batch will start
    }
  }

  private void retryGate() {
    Runnable retry = gateRetry;
    gateRetry = null;
    cancelTimers(false);
    if (retry != null) {
      health.refresh(retry);
    }
  }

  // ---- batches ----

  void nextBatch() {
    if (state.cancelRequested) {
      finish(RollingUpgradeStatusCode.CANCELLED, null);
      return;
    }
    Optional<Batch> next = state.cursor.peek(state.unhealthyLive,
        s -> state.live[state.index.get(s.instanceId())].countsAsUnhealthy(), state.batchNumber + 1);
    if (next.isEmpty()) {
      finish(RollingUpgradeStatusCode.COMPLETED, null);
      return;
    }
    Batch batch = next.get();
    commit(new BatchStarted(batch.number(), batch.instanceIds(), batch.reason()), () -> {
      executor.mdc("batch", String.valueOf(batch.number()));
      LOG.info("batch {}: {}", batch.number(), batch.reason());
      events.emit(UpgradeEventType.BATCH_STARTED, batch.number(), batch.instanceIds(), null, batch.reason());
      outstanding = state.batchMembers.length;
      for (int i : state.batchMembers) {
        issueUpgrade(i);
      }
    });
  }

  void issueUpgrade(int i) {
    String id = state.id(i);
    events.emit(UpgradeEventType.INSTANCE_UPGRADE_STARTED, state.batchNumber, List.of(id), null, null);
    executor.call(() -> action.applyName() + "(" + name + ", " + id + ")", () -> action.apply(driver, name, id),
        callTimeout, (ignored, failure) -> {
          if (failure instanceof TimeoutException) {
            instanceFailed(i, UPGRADE_TIMED_OUT, "the upgrade call did not complete within " + callTimeout);
          } else if (failure != null) {
            instanceFailed(i, UPGRADE_FAILED, "the upgrade call failed: " + describe(failure));
          } else {
            events.emit(UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED, state.batchNumber, List.of(id), null, null);
            awaitHealthy(i, now().plus(policy().healthTimeout()), true);
          }
        });
  }

  /**
   * Waits until {@code deadline} for HEALTHY. The return of the upgrade call is journalled (so a
   * resumed run waits only the time left) once the first read is not yet healthy; an instance
   * healthy at once needs only its verdict in the journal.
   */
  void awaitHealthy(int i, Instant deadline, boolean journalReturn) {
    state.healthWaitStarted(i);
    health.await(i, deadline, new HealthTracker.WaitOutcome() {
      @Override
      public void healthy() {
        instanceHealthy(i);
      }

      @Override
      public void notHealthyYet() {
        if (journalReturn) {
          commit(new UpgradeReturned(state.id(i)), () -> { });
        }
      }

      @Override
      public void timedOut() {
        instanceFailed(i, HEALTH_TIMEOUT, "no healthy signal within " + policy().healthTimeout() + " of the upgrade");
      }
    });
  }

  private void instanceHealthy(int i) {
    String id = state.id(i);
    commit(new InstanceSucceeded(id), () -> {
      events.emit(UpgradeEventType.INSTANCE_HEALTHY, state.batchNumber, List.of(id), null, null);
      instanceDone();
    });
  }

  void instanceFailed(int i, String failureCode, String message) {
    String id = state.id(i);
    commit(new InstanceFailed(id, failureCode, message), () -> {
      health.cancelWait(i);
      LOG.warn("instance {} failed: {}", id, message);
      events.emit(UpgradeEventType.INSTANCE_FAILED, state.batchNumber, List.of(id), failureCode, message);
      health.read(i, this::instanceDone);
    });
  }

  private void instanceDone() {
    if (--outstanding == 0) {
      verdictsIn();
    }
  }

  /** Starts counting the verdicts still due in the open batch (a resumed run). */
  void outstanding(int count) {
    outstanding = count;
  }

  /** Every instance of the batch has its verdict: undo the failed ones (in batch order), then close the batch. */
  void verdictsIn() {
    List<Integer> toUndo = new ArrayList<>();
    for (int i : state.batchMembers) {
      if (rollback && state.awaitsUndo(i)) {
        toUndo.add(i);
      }
    }
    rollbacks.undoAll(toUndo, this::batchFinished);
  }

  private void batchFinished() {
    commit(new BatchFinished(state.batchNumber), () -> {
      events.emit(UpgradeEventType.BATCH_FINISHED, state.batchNumber, List.of(), null,
          state.succeeded + " succeeded and " + state.failed + " failed so far");
      executor.mdc("batch", null);
      health.refresh(this::checkUpgraded);
    });
  }

  /** After a batch: too many failed or unhealthy upgraded instances stop the run. */
  void checkUpgraded() {
    int upgraded = state.succeeded + state.failed;
    int bad = state.failed + state.succeededNotHealthy;
    Optional<String> stop = PolicyChecks.upgradedInstances(bad, upgraded, policy().maxUnhealthyUpgradedInstancePercent());
    if (stop.isEmpty()) {
      gate(false, this::afterBatch);
      return;
    }
    List<String> ids = new ArrayList<>();
    List<ApiErrorDetail> details = new ArrayList<>();
    List<Integer> toUndo = new ArrayList<>();
    for (int i = 0; i < state.table.size(); i++) {
      if (state.upgradedBad(i)) {
        boolean failed = state.progress[i] == RunState.Progress.FAILED;
        String id = state.id(i);
        ids.add(id);
        details.add(ApiErrorDetail.of(failed ? RollingUpgradeErrorCodes.INSTANCE_FAILED : INSTANCE_UNHEALTHY, id,
            "upgraded instance " + id + (failed ? " failed" : " is " + state.live[i])));
        if (action.canUndo() && state.awaitsUndo(i)) {
          toUndo.add(i);
        }
      }
    }
    ApiError breach = error(stop.get(), bad + " of " + upgraded + " upgraded instances unhealthy ("
        + PolicyChecks.percent(bad, upgraded) + " > " + policy().maxUnhealthyUpgradedInstancePercent() + " %): "
        + shortList(ids), details);
    if (!policy().rollbackFailedInstancesOnPolicyBreach()) {
      finish(RollingUpgradeStatusCode.FAULTED, breach);
      return;
    }
    if (!toUndo.isEmpty()) {
      LOG.warn("policy breach: rolling back {} failed instances first", toUndo.size());
    }
    rollbacks.undoAll(toUndo, () -> finish(RollingUpgradeStatusCode.FAULTED, breach));
  }

  private void afterBatch() {
    if (state.cursor.remaining() == 0) {
      finish(RollingUpgradeStatusCode.COMPLETED, null);
    } else if (state.cancelRequested) {
      finish(RollingUpgradeStatusCode.CANCELLED, null);
    } else if (policy().pauseTimeBetweenBatches().isZero()) {
      nextBatch();
    } else {
      Instant until = now().plus(policy().pauseTimeBetweenBatches());
      commit(new PauseStarted(until), () -> pauseUntil(until));
    }
  }

  void pauseUntil(Instant until) {
    if (state.cancelRequested) {
      finish(RollingUpgradeStatusCode.CANCELLED, null);
      return;
    }
    pauseTimer = executor.schedule(Duration.between(now(), until), () -> {
      pauseTimer = null;
      health.refresh(() -> gate(false, this::nextBatch));
    });
  }
}
