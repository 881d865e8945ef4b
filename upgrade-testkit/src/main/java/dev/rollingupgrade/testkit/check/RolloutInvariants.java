package dev.rollingupgrade.testkit.check;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.Versions;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.UpgradeKind;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.fleet.HealthChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Checks a recorded run of a {@link FakeFleet} against the rules of rolling upgrades (batch cap,
 * zones and update domains never mixed, the unhealthy budget with its at-least-one rule, no
 * instance upgraded twice, protected and current instances never touched, one batch at a time,
 * for OS image, model and extension runs alike,
 * rollback only where allowed, thresholds honoured, progress always summing, final status equal
 * to the history). Take it with {@link #before} before the run starts (it remembers what each
 * instance runs), then call {@link #violations} or {@link #assertObeyed} when the run has ended.
 * Each violation names the rule, the virtual time and the instances.
 */
public final class RolloutInvariants {
  private final ScaleSet scaleSet;
  private final FakeFleet fleet;
  private final Map<String, ImageReference> initialImages = new LinkedHashMap<>();
  private final Map<String, FakeInstance> byId = new LinkedHashMap<>();
  private final Set<String> protectedIds = new LinkedHashSet<>();
  private final Map<String, HealthState> initialHealth = new LinkedHashMap<>();
  private final Set<String> initialLatestModel = new LinkedHashSet<>();
  private final Map<String, Map<String, String>> initialExtensions = new LinkedHashMap<>();
  private final long initialChangeCount;

  private RolloutInvariants(ScaleSet scaleSet, FakeFleet fleet) {
    this.scaleSet = scaleSet;
    this.fleet = fleet;
    this.initialChangeCount = fleet.healthChangeCount();
    for (FakeInstance i : fleet.instances()) {
      initialImages.put(i.id(), i.image());
      initialHealth.put(i.id(), i.health());
      initialExtensions.put(i.id(), i.extensionVersions());
      if (i.runsLatestModel()) {
        initialLatestModel.add(i.id());
      }
      byId.put(i.id(), i);
      if (i.isProtected()) {
        protectedIds.add(i.id());
      }
    }
  }

  /** Remembers the fleet as it is before a run of {@code scaleSet}'s policy starts. */
  public static RolloutInvariants before(ScaleSet scaleSet, FakeFleet fleet) {
    return new RolloutInvariants(Objects.requireNonNull(scaleSet, "scaleSet"), Objects.requireNonNull(fleet, "fleet"));
  }

  /**
   * Throws an {@link AssertionError} listing every broken rule.
   *
   * @param startedBy who started the run (decides whether rollbacks were allowed)
   */
  public void assertObeyed(RunRecorder recorder, RollingUpgradeRun run, UpgradeOperationInvoker startedBy) {
    List<String> found = violations(recorder, run, startedBy);
    if (!found.isEmpty()) {
      throw new AssertionError("the run broke " + found.size() + " rule(s):\n  " + String.join("\n  ", found));
    }
  }

  /** Every broken rule, empty when the run obeyed them all. The run must have ended. */
  public List<String> violations(RunRecorder recorder, RollingUpgradeRun run, UpgradeOperationInvoker startedBy) {
    List<String> v = new ArrayList<>();
    if (!run.isFinished()) {
      v.add("the run has not ended; move virtual time on (runUntilIdle) before checking");
      return v;
    }
    RollingUpgradePolicy policy = scaleSet.upgradePolicy().rollingUpgradePolicy();
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    Optional<TargetExtension> extension = end.targetExtension();
    ImageReference target = extension.isPresent() ? null : end.targetImageReference().orElseThrow();
    int n = initialImages.size();
    int cap = (int) Math.max(1, (long) n * policy.maxBatchInstancePercent() / 100);
    int budget = (int) ((long) n * policy.maxUnhealthyInstancePercent() / 100);
    Set<String> candidates = new LinkedHashSet<>();
    boolean modelRun = run.kind() == UpgradeKind.MODEL;
    initialImages.forEach((id, image) -> {
      boolean atTarget = modelRun ? initialLatestModel.contains(id)
          : extension.map(x -> Optional.ofNullable(initialExtensions.get(id).get(x.name()))
              .filter(installed -> Versions.compare(installed, x.version()) >= 0).isPresent())
          .orElseGet(() -> image.sameImageAs(target));
      if (!atTarget && !protectedIds.contains(id)) {
        candidates.add(id);
      }
    });
    List<RunRecorder.Entry> entries = recorder.entries();
    List<DriverCall> calls = fleet.calls();
    List<HealthChange> changes = fleet.healthChanges();

    // batches: cap, zones, update domains, budget, gate, one at a time
    Map<String, Instant> batchStartOf = new LinkedHashMap<>();
    boolean batchOpen = false;
    int lastStarted = 0;
    int failedSoFar = 0;
    int upgradedSoFar = 0;
    boolean mustStop = false;
    Set<String> failedIds = new LinkedHashSet<>();
    for (RunRecorder.Entry entry : entries) {
      UpgradeEvent e = entry.event();
      String at = "at " + e.time();
      if (e.type() == UpgradeEventType.BATCH_STARTED) {
        List<String> ids = e.instanceIds();
        int number = e.batch().orElse(-1);
        if (mustStop) {
          v.add("thresholds: batch " + number + " started " + at + " after more than "
              + policy.maxUnhealthyUpgradedInstancePercent() + " % of the upgraded instances had failed");
        }
        if (batchOpen) {
          v.add("one batch at a time: batch " + number + " started " + at + " before batch " + lastStarted + " finished");
        }
        batchOpen = true;
        lastStarted = number;
        if (ids.size() > cap) {
          v.add("batch cap: batch " + number + " " + at + " holds " + ids.size() + " instances, cap " + cap + ": " + ids);
        }
        Set<String> zones = new HashSet<>();
        Set<Integer> uds = new HashSet<>();
        for (String id : ids) {
          zones.add(String.valueOf(zoneOf(id)));
          uds.add(udOf(id));
          if (!candidates.contains(id)) {
            v.add("never touched: batch " + number + " " + at + " holds " + id + ", which is protected or already at the target");
          }
          if (batchStartOf.putIfAbsent(id, e.time()) != null) {
            v.add("upgraded once: instance " + id + " is in a second batch (" + number + ") " + at);
          }
        }
        if (!policy.enableCrossZoneUpgrade() && zones.size() > 1) {
          v.add("zones: batch " + number + " " + at + " mixes zones " + zones + ": " + ids);
        }
        if (policy.respectUpdateDomains() && uds.size() > 1) {
          v.add("update domains: batch " + number + " " + at + " spans update domains " + uds + ": " + ids);
        }
        // a change at the very instant of the batch may or may not have reached the run: count it in its favour
        Map<String, HealthState> before = health(changes, c -> c.time().isBefore(e.time()));
        Map<String, HealthState> atEvent = health(changes, c -> c.sequence() < entry.healthChanges());
        Predicate<String> surelyUnhealthy = id -> before.get(id).countsAsUnhealthy() && atEvent.get(id).countsAsUnhealthy();
        Predicate<String> surelyHealthy = id -> !before.get(id).countsAsUnhealthy() && !atEvent.get(id).countsAsUnhealthy();
        int unhealthyNow = (int) before.keySet().stream().filter(surelyUnhealthy).count();
        long healthyInBatch = ids.stream().filter(surelyHealthy).count();
        if (ids.size() > 1 && healthyInBatch > 0 && unhealthyNow + healthyInBatch > budget) {
          v.add("unhealthy budget: batch " + number + " " + at + " takes down " + healthyInBatch + " healthy instances while "
              + unhealthyNow + " are unhealthy, budget " + budget + ": " + ids);
        }
        if ((long) unhealthyNow * 100 > (long) policy.maxUnhealthyInstancePercent() * n) {
          v.add("gate: batch " + number + " started " + at + " with " + unhealthyNow + " of " + n
              + " instances unhealthy (limit " + policy.maxUnhealthyInstancePercent() + " %)");
        }
      } else if (e.type() == UpgradeEventType.INSTANCE_FAILED) {
        failedSoFar++;
        upgradedSoFar++;
        failedIds.addAll(e.instanceIds());
      } else if (e.type() == UpgradeEventType.INSTANCE_HEALTHY) {
        upgradedSoFar++;
      } else if (e.type() == UpgradeEventType.BATCH_FINISHED) {
        batchOpen = false;
        if ((long) failedSoFar * 100 > (long) policy.maxUnhealthyUpgradedInstancePercent() * upgradedSoFar) {
          mustStop = true;
        }
      }
      entry.progress().ifPresent(p -> {
        if (p.total() != candidates.size() && p.total() != 0) {
          v.add("progress: at " + e.time() + " (" + e.type() + ") the counts sum to " + p.total() + ", not "
              + candidates.size() + ": " + p);
        }
      });
    }

    // driver calls: upgrades only of batch members after their batch started, never twice; rollbacks only where allowed
    boolean breachRollbackAllowed = policy.rollbackFailedInstancesOnPolicyBreach() && end.error()
        .flatMap(x -> x.code()).filter(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY::equals).isPresent();
    // the run's own setting; judged by the trigger's default when the caller says another trigger started it
    boolean automaticRollback = run.startedBy() == startedBy ? run.rollsBack()
        : startedBy != UpgradeOperationInvoker.USER && (extension.isPresent()
            || !scaleSet.upgradePolicy().automaticOSUpgradePolicy().disableAutomaticRollback());
    if (run.startedBy() != startedBy) {
      v.add("started by: the run says " + run.startedBy().azureName() + ", the check was told " + startedBy.azureName());
    }
    Map<String, Integer> upgrades = new TreeMap<>();
    for (DriverCall call : calls) {
      if (!call.changedState()) {
        continue; // reads, and calls the driver rejected (they changed nothing)
      }
      String id = call.instanceId();
      if (!candidates.contains(id)) {
        v.add("never touched: " + call.kind() + " of " + id + " at " + call.time() + ", which is protected or already at the target");
      }
      // an extension run's undo reinstalls a version other than the target (the one the instance had)
      boolean undo = call.kind() == DriverCall.Kind.RESTORE_OS_DISK || extension.filter(x ->
          call.kind() == DriverCall.Kind.SET_EXTENSION_VERSION && !call.detail().equals(x.name() + "=" + x.version()))
          .isPresent();
      if (undo) {
        if (!failedIds.contains(id)) {
          v.add("rollback: " + id + " was restored at " + call.time() + " but never failed");
        } else if (!automaticRollback && !breachRollbackAllowed) {
          v.add("rollback: " + id + " was restored at " + call.time() + " though rollback was off (started by "
              + startedBy.azureName() + ", rollback off)");
        }
        continue;
      }
      upgrades.merge(id, 1, Integer::sum);
      Instant started = batchStartOf.get(id);
      if (started == null || call.time().isBefore(started)) {
        v.add("batches: " + id + " was upgraded at " + call.time() + " outside any batch started before");
      }
    }
    upgrades.forEach((id, count) -> {
      if (count > 1) {
        v.add("upgraded once: instance " + id + " was upgraded " + count + " times");
      }
    });

    // the end: thresholds justified, status equal to history
    RollingUpgradeStatus status = run.status();
    RollingUpgradeStatusCode code = status.runningStatus().flatMap(r -> r.code()).orElseThrow();
    if (mustStop && code != RollingUpgradeStatusCode.FAULTED) {
      v.add("thresholds: more than " + policy.maxUnhealthyUpgradedInstancePercent()
          + " % of the upgraded instances failed, yet the run ended " + code.azureName());
    }
    if (!end.runningStatus().flatMap(r -> r.code()).equals(status.runningStatus().flatMap(r -> r.code()))) {
      v.add("final status: status code " + code + " but history says " + end.runningStatus());
    }
    if (!end.progress().equals(status.progress())) {
      v.add("final status: status progress " + status.progress() + " but history says " + end.progress());
    }
    RollingUpgradeProgress p = status.progress().orElseThrow();
    if (p.inProgressInstanceCount() != 0) {
      v.add("final status: " + p.inProgressInstanceCount() + " instances still in progress after the run ended");
    }
    if (code == RollingUpgradeStatusCode.COMPLETED && p.pendingInstanceCount() != 0) {
      v.add("final status: completed with " + p.pendingInstanceCount() + " instances still pending");
    }
    if (p.total() != candidates.size()) {
      v.add("progress: the final counts sum to " + p.total() + ", not " + candidates.size() + " candidates");
    }
    return v;
  }

  private String zoneOf(String id) {
    return byId.containsKey(id) ? byId.get(id).zone().orElse("regional") : "?";
  }

  private int udOf(String id) {
    return byId.containsKey(id) ? byId.get(id).updateDomain() : -1;
  }

  /** Health of every instance: as it was when the checker was made, then the later changes that {@code counts}. */
  private Map<String, HealthState> health(List<HealthChange> changes, Predicate<HealthChange> counts) {
    Map<String, HealthState> health = new LinkedHashMap<>(initialHealth);
    for (HealthChange c : changes) {
      if (c.sequence() >= initialChangeCount && counts.test(c)) {
        health.put(c.instanceId(), c.health());
      }
    }
    return health;
  }
}
