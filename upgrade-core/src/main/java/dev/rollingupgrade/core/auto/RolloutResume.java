package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.PENDING;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.REMOVED;
import static dev.rollingupgrade.core.auto.RolloutStatus.MemberState.RUNNING;

import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.run.RunHeldException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link RolloutWalk} carries on from its journal after its host stopped: the waves it had
 * started are awaited again, the decisions it had acted on (removals, a cancel, member ends) are
 * replayed in journal order, runs that ended meanwhile are taken earliest first, runs in flight
 * are resumed from their own journals (waiting for a run another owner still holds), and a run
 * the crash caught before its first record is started. Used on the walk's executor.
 */
final class RolloutResume {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutResume.class);

  private final RolloutWalk w;

  RolloutResume(RolloutWalk walk) {
    this.w = walk;
  }

  /** Carries on from the journal's waves: earlier runs keep their outcome, the last wave of each region is awaited. */
  void resume(List<RunRecord> records, Set<String> without) {
    w.writer.keepLease();
    Set<String> gone = new HashSet<>();
    records.stream().filter(r -> r.kind().equals(RolloutJournal.REMOVED))
        .forEach(r -> gone.add(r.attributes().get("scaleSet")));
    List<String> toRemove = without.stream().filter(w.regionOf::containsKey).filter(set -> !gone.contains(set)).sorted()
        .toList();
    w.executor.execute(() -> removeThen(new java.util.ArrayDeque<>(toRemove), () -> resumeFrom(records, toRemove)));
  }

  /** Journals the removal of each set, then runs {@code then}. */
  private void removeThen(java.util.Deque<String> left, Runnable then) {
    String next = left.poll();
    if (next == null) {
      then.run();
    } else {
      w.writer.append(RolloutJournal.REMOVED, Map.of("scaleSet", next), () -> removeThen(left, then));
    }
  }

  private void resumeFrom(List<RunRecord> records, List<String> removedNow) {
    RolloutJournal.ResumePoint point = RolloutJournal.ResumePoint.of(records);
    int reached = point.reached();
    Map<String, RunRecord> lastWave = point.lastWave();
    if (reached == 0) {
      point.decisions().forEach(this::replay); // removals and a cancel before the first wave
      removedNow.forEach(this::removedAgain);
      w.startPhase(1);
      return;
    }
    w.phase = reached;
    Phase current = w.plan.phases().get(reached - 1);
    w.regionsLeft = current.regions().size();
    List<String> journalled = new ArrayList<>();
    for (RunRecord wave : point.waves()) {
      List<String> sets = RolloutJournal.readStrings(wave.attributes().get("scaleSets"));
      if (lastWave.get(wave.attributes().get("region")) == wave
          && Integer.parseInt(wave.attributes().get("phase")) == reached) {
        RegionStep region = current.regions().stream()
            .filter(r -> r.region().equals(wave.attributes().get("region"))).findFirst().orElseThrow();
        w.await(region, Integer.parseInt(wave.attributes().get("wave")), sets);
      }
      journalled.addAll(sets);
    }
    // the ends, removals and cancel the rollout saw, in the order it saw them: the same decisions again
    Set<String> seen = new HashSet<>();
    for (RunRecord r : point.decisions()) {
      replay(r);
      if (r.kind().equals(RolloutJournal.MEMBER_ENDED)) {
        seen.add(r.attributes().get("scaleSet"));
      }
    }
    removedNow.forEach(this::removedAgain); // journalled just now, after everything above
    // runs that ended unseen, earliest first (then in plan order); then the rest
    List<String> unseen = new ArrayList<>(journalled.stream().filter(s -> !seen.contains(s)).toList());
    Map<String, UpgradeHistoryEntry> finished = new LinkedHashMap<>();
    unseen.forEach(set -> finalEntry(set).ifPresent(e -> finished.put(set, e)));
    finished.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, UpgradeHistoryEntry> e) -> endOf(e.getValue()))
            .thenComparing(e -> w.planIndex.get(e.getKey())))
        .forEach(e -> w.endedAs(e.getKey(), e.getValue()));
    unseen.stream().filter(set -> !finished.containsKey(set)).forEach(this::pickUp);
    for (RegionStep region : current.regions()) {
      if (!lastWave.containsKey(region.region())) {
        w.startWave(region, 0); // a region of the phase that had not started its first wave
      }
    }
    w.maybeEnd();
  }

  /** A journalled decision acted on again: a removal, a cancel, or a member's end. */
  private void replay(RunRecord decision) {
    switch (decision.kind()) {
      case RolloutJournal.REMOVED -> removedAgain(decision.attributes().get("scaleSet"));
      case RolloutJournal.CANCEL_REQUESTED -> w.cancelRequested = true;
      default -> replayEnd(decision);
    }
  }

  private void removedAgain(String set) {
    w.removed.add(set);
    if (w.states.get(set) == PENDING) {
      w.states.put(set, REMOVED);
    }
  }

  /** A journalled end; the run's own final record has the full error when there is one. */
  private void replayEnd(RunRecord end) {
    String set = end.attributes().get("scaleSet");
    Optional<ApiError> error = finalEntry(set).flatMap(UpgradeHistoryEntry::error)
        .or(() -> RolloutJournal.endError(end));
    w.apply(set, RollingUpgradeStatusCode.valueOf(end.attributes().get("code")), error,
        Instant.parse(end.attributes().get("at")));
  }

  private Optional<UpgradeHistoryEntry> finalEntry(String set) {
    List<RunRecord> journal = w.cfg.store.records(w.runId(set));
    return journal.isEmpty() || !journal.get(journal.size() - 1).isFinal() ? Optional.empty()
        : journal.get(journal.size() - 1).outcome().map(RunRecord.Outcome::historyEntry);
  }

  private Instant endOf(UpgradeHistoryEntry entry) {
    return entry.runningStatus().flatMap(RunningStatus::endTime).orElse(w.executor.now());
  }

  /** A run the journal says was started and that has not ended: resumed, or started if it never was. */
  private void pickUp(String set) {
    List<RunRecord> journal = w.cfg.store.records(w.runId(set));
    if (journal.isEmpty()) {
      w.launchUnlessStopping(set); // the crash came between the wave's record and the run's first
    } else if (journal.get(journal.size() - 1).isFinal()) {
      w.endedAs(set, journal.get(journal.size() - 1).outcome().orElseThrow().historyEntry()); // ended while we waited
    } else {
      try {
        w.attach(set, w.cfg.resumeRun(w.runId(set)));
      } catch (RunHeldException held) {
        // its old owner's lease outlives the rollout's: wait for it rather than fault the set
        w.states.put(set, RUNNING);
        w.executor.schedule(w.cfg.options.leaseDuration().dividedBy(3), () -> pickUp(set));
      } catch (RuntimeException e) {
        LOG.error("rollout {}: the run of {} cannot be resumed: {}", w.rolloutId, set, e.getMessage());
        w.ended(set, RollingUpgradeStatusCode.FAULTED, Optional.of(ApiError.builder().code(RollingUpgradeErrorCodes.RUN_NOT_RESUMED)
            .message("the run of " + set + " cannot be resumed: " + e.getMessage()).build()), w.executor.now());
      }
    }
  }
}
