package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.CANCELLED;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.COMPLETED;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.FAULTED;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.PENDING;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.REMOVED;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.RUNNING;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery of an {@link ImageRollout}: phases, regions and waves walked on the rollout's
 * executor, member runs started and awaited, every decision journalled before it is acted on, and
 * the resume that replays the journal. Its methods are the rollout's; see there.
 */
final class RolloutWalk {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutWalk.class);

  final RolloutBuilder cfg;
  final SerialExecutor executor;
  final String rolloutId;
  private final String release;
  private final Instant startTime;
  final PhasePlan plan;
  private final Map<String, ScaleSet> models;
  private final Map<String, MemberTarget> targets;
  final Map<String, String> regionOf = new LinkedHashMap<>();
  private final Map<String, Integer> phaseOf = new LinkedHashMap<>();
  final Map<String, MemberState> states = new LinkedHashMap<>();
  private final Map<String, ApiError> errors = new LinkedHashMap<>();
  private final Map<String, RollingUpgradeRun> runs = new LinkedHashMap<>();
  final Set<String> removed = new HashSet<>();
  private final Set<String> awaited = new HashSet<>();
  private final Map<String, Integer> waveAt = new LinkedHashMap<>();
  private final Map<String, Integer> outstanding = new LinkedHashMap<>();
  final Map<String, Integer> planIndex = new LinkedHashMap<>();
  private final RolloutFaults failures;
  private final CompletableFuture<RolloutStatus> completion = new CompletableFuture<>();
  final RolloutWriter writer;
  int phase;
  int regionsLeft;
  boolean cancelRequested;
  private boolean ending;
  private ApiError fault;
  private RollingUpgradeStatusCode code = RollingUpgradeStatusCode.ROLLING_FORWARD;
  private Instant endTime;

  RolloutWalk(RolloutBuilder cfg, String rolloutId, String release, Instant startTime, PhasePlan plan,
      Map<String, ScaleSet> models, Map<String, MemberTarget> targets, Lease lease, long nextSequence) {
    this.cfg = cfg;
    this.rolloutId = rolloutId;
    this.release = release;
    this.startTime = startTime;
    this.plan = plan;
    this.models = models;
    this.targets = targets;
    this.executor = new SerialExecutor(cfg.scheduler, this::failed);
    this.writer = new RolloutWriter(cfg, executor, rolloutId, lease, nextSequence, this::failed);
    executor.mdc("rollout", rolloutId);
    this.failures = new RolloutFaults(release, plan, planIndex);
    for (Phase p : plan.phases()) {
      for (RegionStep r : p.regions()) {
        for (String set : r.scaleSets()) {
          regionOf.put(set, r.region());
          phaseOf.put(set, p.number());
          planIndex.put(set, planIndex.size());
          states.put(set, PENDING);
        }
      }
    }
  }

  String rolloutId() {
    return rolloutId;
  }

  PhasePlan plan() {
    return plan;
  }

  Optional<String> targetVersion(String name) {
    return Optional.ofNullable(targets.get(name)).flatMap(MemberTarget::version);
  }

  Optional<dev.rollingupgrade.api.status.TargetExtension> targetExtension(String name) {
    return Optional.ofNullable(targets.get(name)).flatMap(MemberTarget::extension);
  }

  RolloutStatus status() {
    return executor.read(this::snapshot);
  }

  CompletionStage<RolloutStatus> completion() {
    return completion.copy();
  }

  boolean isFinished() {
    return completion.isDone();
  }

  Optional<RollingUpgradeRun> run(String name) {
    return executor.read(() -> Optional.ofNullable(runs.get(name)));
  }

  /** See {@link ImageRollout#cancel}. */
  void cancel() {
    executor.execute(() -> {
      if (cancelRequested || ending) {
        return;
      }
      writer.append(RolloutJournal.CANCEL_REQUESTED, Map.of(), () -> {
        cancelRequested = true;
        runs.forEach((set, run) -> {
          if (states.get(set) == RUNNING) {
            executor.outside(run::cancel);
          }
        });
        maybeEnd();
      });
    });
  }

  /** See {@link ImageRollout#remove}. */
  void remove(String name) {
    executor.execute(() -> {
      MemberState state = states.get(name);
      if (state == null || removed.contains(name) || ending || state == COMPLETED || state == FAULTED
          || state == CANCELLED) {
        return; // not a member, or its run already ended: nothing to take out
      }
      writer.append(RolloutJournal.REMOVED, Map.of("scaleSet", name), () -> {
        removed.add(name);
        if (states.get(name) == PENDING) {
          states.put(name, REMOVED);
        } else if (states.get(name) == RUNNING) {
          executor.outside(runs.get(name)::cancel);
        }
      });
    });
  }

  /** See {@link ImageRollout#abandon}. */
  void abandon() {
    List<RollingUpgradeRun> inFlight = executor.read(() -> {
      if (executor.isStopped() || completion.isDone()) {
        return null; // ended, or abandoned already
      }
      executor.stop();
      return List.copyOf(runs.values());
    });
    if (inFlight != null) {
      writer.stop(true);
      inFlight.forEach(RollingUpgradeRun::abandon);
      LOG.info("rollout {} abandoned: it stays unfinished in the store", rolloutId);
    }
  }

  // ---- the walk: phases, regions, waves ----

  void start(Map<String, String> startAttributes) {
    writer.keepLease();
    executor.execute(() -> writer.append(RolloutJournal.STARTED, startAttributes, () -> {
      cfg.emit(executor, UpgradeEventType.ROLLOUT_STARTED, "", rolloutId, 0, release + ": " + plan.phases().size() + " phases over "
          + plan.regionCount() + " regions, " + states.size() + " scale sets");
      startPhase(1);
    }));
  }

  void startPhase(int number) {
    if (stopping() || number > plan.phases().size()) {
      maybeEnd();
      return;
    }
    phase = number;
    Phase p = plan.phases().get(number - 1);
    regionsLeft = p.regions().size();
    LOG.info("rollout {} phase {}: {} ({})", rolloutId, number, p.regionNames(), p.why());
    cfg.emit(executor, UpgradeEventType.ROLLOUT_PHASE_STARTED, "", rolloutId, number, String.join(", ", p.regionNames())
        + ": " + p.why());
    for (RegionStep region : p.regions()) {
      startWave(region, 0);
    }
  }

  void startWave(RegionStep region, int wave) {
    if (stopping() || wave >= region.waves().size()) {
      regionDone();
      return;
    }
    List<String> sets = new ArrayList<>();
    for (String set : region.waves().get(wave).scaleSets()) {
      if (!removed.contains(set)) {
        sets.add(set);
      }
    }
    if (sets.isEmpty()) {
      startWave(region, wave + 1);
      return;
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("phase", String.valueOf(phase));
    attributes.put("region", region.region());
    attributes.put("wave", String.valueOf(wave));
    attributes.put("scaleSets", RolloutJournal.writeStrings(sets));
    writer.append(RolloutJournal.WAVE_STARTED, attributes, () -> {
      await(region, wave, sets);
      boolean failedToStart = false; // with a store that answers later, the failure is not applied yet
      for (String set : sets) {
        if (!failedToStart) {
          failedToStart = !launchUnlessStopping(set);
        } else if (awaited.remove(set)) {
          memberDone(set); // a sibling could not start: this one stays pending
        }
      }
    });
  }

  void await(RegionStep region, int wave, List<String> sets) {
    waveAt.put(region.region(), wave);
    outstanding.put(region.region(), sets.size());
    awaited.addAll(sets);
  }

  /**
   * Starts the set's run; once the rollout stops (a sibling's run could not start) the set stays
   * pending. False when the run could not start.
   */
  boolean launchUnlessStopping(String set) {
    if (stopping()) {
      if (awaited.remove(set)) {
        memberDone(set);
      }
      return true;
    }
    try {
      ScaleSet model = models.containsKey(set) ? models.get(set) : cfg.modelOf(set);
      attach(set, cfg.startRun(model, targets.get(set), rolloutId, runId(set)));
      return true;
    } catch (RuntimeException e) {
      LOG.error("rollout {}: the run of {} could not start: {}", rolloutId, set, e.getMessage());
      ended(set, RollingUpgradeStatusCode.FAULTED, Optional.of(ApiError.builder().code(RollingUpgradeErrorCodes.RUN_NOT_STARTED)
          .message("the run of " + set + " could not start: " + e.getMessage()).build()), executor.now());
      return false;
    }
  }

  void attach(String set, RollingUpgradeRun run) {
    runs.put(set, run);
    states.put(set, RUNNING);
    if (cancelRequested || removed.contains(set)) {
      executor.outside(run::cancel); // journalled before the crash; the resumed run may not know yet
    }
    run.completion().whenComplete((entry, failure) -> executor.execute(() -> {
      if (failure != null) {
        ended(set, RollingUpgradeStatusCode.FAULTED, Optional.of(ApiError.builder().code(RollingUpgradeErrorCodes.RUN_FAILED)
            .message(String.valueOf(SerialExecutor.unwrap(failure).getMessage())).build()), executor.now());
      } else {
        endedAs(set, entry);
      }
    }));
  }

  /** A member's run ended: journalled before it is acted on, so a resume replays the ends in the order they were seen. */
  void ended(String set, RollingUpgradeStatusCode runCode, Optional<ApiError> error, Instant at) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("scaleSet", set);
    attributes.put("code", runCode.name());
    attributes.put("at", at.toString());
    error.flatMap(ApiError::code).ifPresent(c -> attributes.put("errorCode", c));
    error.flatMap(ApiError::message).ifPresent(m -> attributes.put("errorMessage", m));
    writer.append(RolloutJournal.MEMBER_ENDED, attributes, () -> apply(set, runCode, error, at));
  }

  /** A member's end: its state, whether the rollout stops, the region's next wave. */
  void apply(String set, RollingUpgradeStatusCode runCode, Optional<ApiError> error, Instant at) {
    if (removed.contains(set) && runCode != RollingUpgradeStatusCode.FAULTED) {
      states.put(set, REMOVED); // its cancel came from the removal; a fault still counts
    } else if (runCode == RollingUpgradeStatusCode.COMPLETED) {
      states.put(set, COMPLETED);
    } else {
      states.put(set, runCode == RollingUpgradeStatusCode.CANCELLED ? CANCELLED : FAULTED);
      error.ifPresent(e -> errors.put(set, e));
      if (!cancelRequested) {
        failures.add(at, set, runCode, error);
        LOG.warn("rollout {} stops at phase {}: {} ended {}", rolloutId, phaseOf.get(set), set, runCode);
      }
    }
    if (awaited.remove(set)) {
      memberDone(set);
    } // else a run of an earlier wave, read back on resume
  }

  /** A run that ended as its history entry says. */
  void endedAs(String set, UpgradeHistoryEntry entry) {
    ended(set, entry.runningStatus().flatMap(RunningStatus::code).orElse(RollingUpgradeStatusCode.FAULTED),
        entry.error(), entry.runningStatus().flatMap(RunningStatus::endTime).orElse(executor.now()));
  }

  /** One awaited member of its region's wave is done: the region's next wave once all are. */
  private void memberDone(String set) {
    String region = regionOf.get(set);
    int left = outstanding.merge(region, -1, Integer::sum);
    if (left == 0) {
      startWave(plan.phases().get(phase - 1).regions().stream().filter(r -> r.region().equals(region)).findFirst()
          .orElseThrow(), waveAt.get(region) + 1);
    }
  }

  private void regionDone() {
    regionsLeft--;
    if (regionsLeft == 0) {
      startPhase(phase + 1);
    }
  }

  private boolean stopping() {
    return !failures.isEmpty() || fault != null || cancelRequested;
  }

  /** Ends the rollout once nothing is in flight and nothing more will start. */
  void maybeEnd() {
    if (ending || states.values().stream().anyMatch(s -> s == RUNNING) || !awaited.isEmpty()
        || (!stopping() && phase <= plan.phases().size() && regionsLeft > 0)) {
      return;
    }
    ending = true;
    if (!failures.isEmpty()) {
      fault = failures.first();
    }
    // every member taken out before it completed: nothing was rolled out, which is not a completion
    boolean allRemoved = states.values().stream().allMatch(st -> st == REMOVED);
    RollingUpgradeStatusCode end = fault != null ? RollingUpgradeStatusCode.FAULTED
        : cancelRequested || allRemoved ? RollingUpgradeStatusCode.CANCELLED : RollingUpgradeStatusCode.COMPLETED;
    Instant now = executor.now();
    var entry = UpgradeHistoryEntry.builder()
        .runningStatus(RunningStatus.builder().code(end).startTime(startTime).endTime(now).build())
        .startedBy(cfg.startedBy).error(Optional.ofNullable(fault));
    targets.values().stream().findFirst().ifPresent(t -> entry.targetImageReference(t.image())
        .targetExtension(t.extension()));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("code", end.name());
    attributes.put("phase", String.valueOf(phase));
    attributes.put("states", RolloutJournal.writeStrings(states.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).toList()));
    fault().ifPresent(f -> attributes.put("error", f.message().orElse("")));
    writer.appendFinal(now, RolloutJournal.FINISHED, attributes, new RunRecord.Outcome(ImageRollout.HISTORY_KEY, entry.build()), () -> {
      code = end;
      endTime = now;
      LOG.info("rollout {} ended {}", rolloutId, end);
      cfg.emit(executor, UpgradeEventType.ROLLOUT_FINISHED, "", rolloutId, phase, end + fault().map(f -> ": "
          + f.message().orElse("")).orElse(""));
      writer.stop(true);
      completion.complete(snapshot());
    });
  }

  /** The rollout's fault: final once it ended, else the first failure so far. */
  private Optional<ApiError> fault() {
    return fault != null || failures.isEmpty() ? Optional.ofNullable(fault) : Optional.of(failures.first());
  }

  /** Carries on from the journal: see {@link RolloutResume}. */
  void resume(List<RunRecord> records, Set<String> without) {
    new RolloutResume(this).resume(records, without);
  }

  /** A rollout whose journal ends with its final record: only its status is left. */
  void finishedAlready(RunRecord last) {
    executor.execute(() -> {
      ending = true;
      code = RollingUpgradeStatusCode.valueOf(last.attributes().get("code"));
      phase = Integer.parseInt(last.attributes().getOrDefault("phase", "0"));
      endTime = last.time();
      for (String s : RolloutJournal.readStrings(last.attributes().get("states"))) {
        int at = s.lastIndexOf('=');
        states.put(s.substring(0, at), MemberState.valueOf(s.substring(at + 1)));
      }
      fault = last.outcome().flatMap(o -> o.historyEntry().error()).orElse(null);
      completion.complete(snapshot());
    });
  }

  private void failed(RuntimeException e) {
    if (e instanceof LeaseLostException) {
      LOG.warn("rollout {}: another owner holds it now; this host stops driving it", rolloutId);
    } else {
      LOG.error("rollout {} cannot go on", rolloutId, e);
    }
    writer.stop(false);
    executor.stop();
    // its runs stop with it, as in a crash: whoever resumes the rollout resumes them (their leases are released)
    List<RollingUpgradeRun> inFlight = List.copyOf(runs.values());
    executor.outside(() -> inFlight.forEach(RollingUpgradeRun::abandon));
    completion.completeExceptionally(e);
  }

  String runId(String set) {
    return rolloutId + "/" + set;
  }

  private RolloutStatus snapshot() {
    List<RolloutStatus.Member> members = new ArrayList<>();
    states.forEach((set, state) -> members.add(new RolloutStatus.Member(set, regionOf.get(set), phaseOf.get(set),
        state, state == PENDING || state == REMOVED && !runs.containsKey(set) ? Optional.empty()
            : Optional.of(runId(set)), Optional.ofNullable(errors.get(set)))));
    return new RolloutStatus(rolloutId, release, code, startTime, Optional.ofNullable(endTime), plan, phase, members,
        fault());
  }

}
