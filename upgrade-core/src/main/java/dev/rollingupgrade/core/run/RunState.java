package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollingUpgradeActionType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.plan.BatchPlanner;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.plan.PlanCursor;
import dev.rollingupgrade.core.run.RunEvent.BatchFinished;
import dev.rollingupgrade.core.run.RunEvent.BatchStarted;
import dev.rollingupgrade.core.run.RunEvent.CancelRequested;
import dev.rollingupgrade.core.run.RunEvent.InstanceFailed;
import dev.rollingupgrade.core.run.RunEvent.InstanceSucceeded;
import dev.rollingupgrade.core.run.RunEvent.PauseStarted;
import dev.rollingupgrade.core.run.RunEvent.Planned;
import dev.rollingupgrade.core.run.RunEvent.RollbackFailed;
import dev.rollingupgrade.core.run.RunEvent.RollbackStarted;
import dev.rollingupgrade.core.run.RunEvent.RolledBack;
import dev.rollingupgrade.core.run.RunEvent.RunFinished;
import dev.rollingupgrade.core.run.RunEvent.RunStarted;
import dev.rollingupgrade.core.run.RunEvent.UpgradeReturned;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run's state as the fold of its events: {@link #apply} is the only way its decisions change
 * it, for the live run and for a resumed one alike. Live health is an observation, not a decision
 * ({@link #observe}); every counter that mixes the two is kept by one method, so no order of
 * events and observations can make it drift. Not thread-safe: the run's executor guards it.
 */
final class RunState {
  /** Where an instance stands in the run. */
  enum Progress { NOT_CANDIDATE, PENDING, IN_FLIGHT, SUCCEEDED, FAILED }

  /** Where the undo of a failed instance stands. */
  enum Undo { NONE, REQUESTED, DONE, FAILED }

  final Instant startTime;
  RunStarted settings;
  List<InstanceSnapshot> table = List.of();
  IdIndex index = new IdIndex(List.of());
  PlanCursor cursor;
  HealthState[] live = new HealthState[0];
  Progress[] progress = new Progress[0];
  Undo[] undo = new Undo[0];
  int[] batchOf = new int[0];
  final Map<Integer, InstanceFailed> failures = new HashMap<>(); // lookups only
  final Map<Integer, Instant> returnedAt = new HashMap<>(); // the open batch's, lookups only
  final Map<Integer, Instant> undoStartedAt = new HashMap<>(); // lookups only
  final BitSet healthWait = new BitSet(); // the open batch's instances whose upgrade call returned (an observation)

  int candidates;
  int succeeded;
  int failed;
  int inFlight;
  int rolledBack;
  int rollbackFailed;
  final List<ApiErrorDetail> rollbackErrors = new ArrayList<>();
  int unhealthyLive;
  int initializingLive;
  int succeededNotHealthy;

  int batchNumber;
  int[] batchMembers = new int[0];
  boolean batchOpen;
  boolean checksDue; // the last batch finished; its checks may not have run
  final List<BatchRun> batches = new ArrayList<>();
  Instant pauseUntil;
  boolean cancelRequested;
  RollingUpgradeActionType lastAction = RollingUpgradeActionType.START;
  Instant lastActionTime;
  RunFinished finished;
  private IdIndex listedIndex;

  RunState(Instant startTime) {
    this.startTime = startTime;
    this.lastActionTime = startTime;
  }

  /** Applies one decision, made at {@code time}. */
  void apply(RunEvent event, Instant time) {
    if (event instanceof RunStarted e) {
      settings = e;
    } else if (event instanceof Planned e) {
      plan(e.instances());
    } else if (event instanceof BatchStarted e) {
      batchNumber = e.number();
      batchMembers = new int[e.instanceIds().size()];
      for (int k = 0; k < batchMembers.length; k++) {
        int i = index.get(e.instanceIds().get(k));
        batchMembers[k] = i;
        batchOf[i] = e.number();
        setProgress(i, Progress.IN_FLIGHT);
      }
      batchOpen = true;
      checksDue = false;
      pauseUntil = null;
      returnedAt.clear();
      healthWait.clear();
      cursor.skip(batchMembers.length);
      batches.add(new BatchRun(e.number(), e.instanceIds(), time, Optional.empty(), e.reason()));
    } else if (event instanceof UpgradeReturned e) {
      int i = index.get(e.instanceId());
      returnedAt.put(i, time);
      healthWait.set(i);
    } else if (event instanceof InstanceSucceeded e) {
      int i = index.get(e.instanceId());
      observe(i, HealthState.HEALTHY); // it was seen healthy: that is what the verdict means
      setProgress(i, Progress.SUCCEEDED);
    } else if (event instanceof InstanceFailed e) {
      int i = index.get(e.instanceId());
      failures.put(i, e);
      setProgress(i, Progress.FAILED);
    } else if (event instanceof RollbackStarted e) {
      int i = index.get(e.instanceId());
      undo[i] = Undo.REQUESTED;
      undoStartedAt.put(i, time);
    } else if (event instanceof RolledBack e) {
      undo[index.get(e.instanceId())] = Undo.DONE;
      rolledBack++;
    } else if (event instanceof RollbackFailed e) {
      undo[index.get(e.instanceId())] = Undo.FAILED;
      rollbackFailed++;
      rollbackErrors.add(ApiErrorDetail.of(RollingUpgradeErrorCodes.ROLLBACK_FAILED, e.instanceId(), e.message()));
    } else if (event instanceof BatchFinished e) {
      batchOpen = false;
      checksDue = true;
      BatchRun open = batches.get(batches.size() - 1);
      batches.set(batches.size() - 1, new BatchRun(open.number(), open.instanceIds(), open.start(), Optional.of(time),
          open.reason()));
    } else if (event instanceof PauseStarted e) {
      pauseUntil = e.until();
      checksDue = false;
    } else if (event instanceof CancelRequested) {
      cancelRequested = true;
      lastAction = RollingUpgradeActionType.CANCEL;
      lastActionTime = time;
    } else if (event instanceof RunFinished e) {
      finished = e;
    }
  }

  /**
   * The instances the driver listed, before planning (an observation: health is swept on them,
   * then {@link RunEvent.Planned} fixes the plan). Returns the ids listed twice.
   */
  List<String> listed(List<InstanceSnapshot> snapshots) {
    table = List.copyOf(snapshots);
    index = new IdIndex(table);
    listedIndex = index;
    live = new HealthState[table.size()];
    Arrays.fill(live, HealthState.HEALTHY);
    progress = new Progress[table.size()];
    Arrays.fill(progress, Progress.NOT_CANDIDATE);
    undo = new Undo[table.size()]; // read by outcomes and views while the listed instances are swept
    Arrays.fill(undo, Undo.NONE);
    batchOf = new int[table.size()];
    return index.duplicates();
  }

  private void plan(List<InstanceSnapshot> planned) {
    int n = planned.size();
    // the live run plans the very instances it listed (same ids, same order): their index holds
    IdIndex reuse = listedIndex != null && listedIndex.size() == n ? listedIndex : null;
    listedIndex = null;
    table = List.copyOf(planned);
    index = reuse != null ? reuse : new IdIndex(table);
    live = new HealthState[n];
    Arrays.fill(live, HealthState.HEALTHY);
    progress = new Progress[n];
    undo = new Undo[n];
    Arrays.fill(undo, Undo.NONE);
    batchOf = new int[n];
    unhealthyLive = 0;
    initializingLive = 0;
    candidates = 0;
    RunScope scope = settings.scope();
    // out of scope: not a candidate, but the table keeps it out of date (the heat map shows it so)
    List<InstanceSnapshot> inScope = scope.isRolling() ? table : new ArrayList<>(n);
    Set<String> chosen = scope.instanceIds().<Set<String>>map(HashSet::new).orElse(null); // lookups only
    for (int i = 0; i < n; i++) {
      InstanceSnapshot s = table.get(i);
      boolean candidate = s.isCandidate() && (chosen == null || chosen.contains(s.instanceId()))
          && (scope.updateDomain().isEmpty() || scope.updateDomain().getAsInt() == s.updateDomain());
      progress[i] = candidate ? Progress.PENDING : Progress.NOT_CANDIDATE;
      candidates += candidate ? 1 : 0;
      observe(i, s.health());
      if (inScope != table) {
        inScope.add(candidate || !s.needsUpgrade() ? s : s.withNeedsUpgrade(false));
      }
    }
    cursor = BatchPlanner.of(settings.policy()).cursor(inScope);
  }

  /** The upgrade call of instance {@code i} returned: the run now waits for it to report healthy (an observation). */
  void healthWaitStarted(int i) {
    healthWait.set(i);
  }

  /** Live health of instance {@code i}, as just read or pushed. */
  void observe(int i, HealthState health) {
    HealthState old = live[i];
    if (old == health) {
      return;
    }
    unhealthyLive += (health.countsAsUnhealthy() ? 1 : 0) - (old.countsAsUnhealthy() ? 1 : 0);
    initializingLive += (health == HealthState.INITIALIZING ? 1 : 0) - (old == HealthState.INITIALIZING ? 1 : 0);
    if (progress[i] == Progress.SUCCEEDED) {
      succeededNotHealthy += (health != HealthState.HEALTHY ? 1 : 0) - (old != HealthState.HEALTHY ? 1 : 0);
    }
    live[i] = health;
  }

  private void setProgress(int i, Progress next) {
    Progress old = progress[i];
    boolean notHealthy = live[i] != HealthState.HEALTHY;
    succeededNotHealthy += (next == Progress.SUCCEEDED && notHealthy ? 1 : 0)
        - (old == Progress.SUCCEEDED && notHealthy ? 1 : 0);
    succeeded += (next == Progress.SUCCEEDED ? 1 : 0) - (old == Progress.SUCCEEDED ? 1 : 0);
    failed += (next == Progress.FAILED ? 1 : 0) - (old == Progress.FAILED ? 1 : 0);
    inFlight += (next == Progress.IN_FLIGHT ? 1 : 0) - (old == Progress.IN_FLIGHT ? 1 : 0);
    progress[i] = next;
  }

  boolean planned() {
    return cursor != null;
  }

  boolean isFinished() {
    return finished != null;
  }

  String id(int i) {
    return table.get(i).instanceId();
  }

  /** A failed instance whose change may still need undoing. */
  boolean awaitsUndo(int i) {
    return progress[i] == Progress.FAILED && (undo[i] == Undo.NONE || undo[i] == Undo.REQUESTED);
  }

  /** An upgraded instance that counts against {@code maxUnhealthyUpgradedInstancePercent}. */
  boolean upgradedBad(int i) {
    return progress[i] == Progress.FAILED || (progress[i] == Progress.SUCCEEDED && live[i] != HealthState.HEALTHY);
  }

  Optional<ApiError> endError() {
    return finished == null ? Optional.empty() : finished.error();
  }

  Optional<RollingUpgradeStatusCode> endCode() {
    return finished == null ? Optional.empty() : Optional.of(finished.code());
  }

  Optional<UpgradeHistoryEntry> history() {
    return finished == null ? Optional.empty() : Optional.of(finished.history());
  }
}
