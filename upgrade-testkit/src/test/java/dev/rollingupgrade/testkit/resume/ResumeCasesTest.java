package dev.rollingupgrade.testkit.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ProtectedSettings;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.RollingUpgradeActionType;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.store.FileRolloutStore;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.sim.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN §9: resuming cancelled, finished, long-stopped and several runs; what resume needs. */
class ResumeCasesTest {
  @TempDir
  Path dir;

  @Test
  void aRunAskedToCancelStaysCancelledAfterResume() {
    ResumeFixture f = new ResumeFixture(20, RollingUpgradePolicy.defaults());
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    f.run = RollingUpgrade.of(f.scaleSet).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store)
        .startedBy(UpgradeOperationInvoker.PLATFORM).listener(f.recorder).start();
    f.clock.advanceBy(Duration.ofSeconds(100)); // a batch is in flight
    f.run.cancel();
    long started = f.recorder.events().stream().filter(e -> e.type() == UpgradeEventType.BATCH_STARTED).count();
    f.resume(store);
    f.clock.runUntilIdle();
    UpgradeHistoryEntry end = f.run.completion().toCompletableFuture().join();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.CANCELLED);
    assertThat(f.run.status().runningStatus().orElseThrow().lastAction()).contains(RollingUpgradeActionType.CANCEL);
    // the batch in flight finished after the resume; no batch started after the cancel
    assertThat(f.recorder.events().stream().filter(e -> e.type() == UpgradeEventType.BATCH_STARTED).count()).isEqualTo(started);
    assertThat(end.progress().orElseThrow().inProgressInstanceCount()).isZero();
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(2 * (int) started);
  }

  @Test
  void aFinishedRunHasNothingLeftToDo() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults());
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    f.start(store);
    UpgradeHistoryEntry end = f.run.completion().toCompletableFuture().join();
    int calls = f.fleet.calls().size();
    RollingUpgradeRun again = f.recovery(store).resume(f.run.runId());
    f.clock.runUntilIdle();
    assertThat(again.isFinished()).isTrue();
    assertThat(again.completion().toCompletableFuture().join()).isEqualTo(end);
    assertThat(again.status().progress()).isEqualTo(end.progress());
    assertThat(f.fleet.calls()).hasSize(calls);
    assertThat(store.history("vmss")).containsExactly(end);
    assertThat(f.recovery(store).resumeAll()).isEmpty();
  }

  @Test
  void aResumeLongAfterTheHealthTimeoutExplainsWhatItFound() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults());
    f.fleet.instance("0").neverBecomesHealthy(); // alone in batch 1 (zone 1, UD 0)
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    f.invariants = dev.rollingupgrade.testkit.check.RolloutInvariants.before(f.scaleSet, f.fleet);
    f.run = RollingUpgrade.of(f.scaleSet).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store)
        .startedBy(UpgradeOperationInvoker.PLATFORM).listener(f.recorder).start();
    f.recorder.watch(f.run);
    f.clock.advanceBy(Duration.ofSeconds(150)); // instance 0 upgraded (at most 100 s), waiting for health
    String id = f.run.runId();
    f.run.abandon();
    f.clock.advanceBy(Duration.ofMinutes(40)); // the host is down far longer than the 5 minute health timeout
    f.run = f.recovery(store).resume(id);
    f.recorder.watch(f.run);
    f.clock.runUntilIdle();
    UpgradeHistoryEntry end = f.run.completion().toCompletableFuture().join();
    f.invariants.assertObeyed(f.recorder, f.run, UpgradeOperationInvoker.PLATFORM);
    assertThat(f.recorder.events()).filteredOn(e -> e.type() == UpgradeEventType.RUN_RESUMED).singleElement()
        .satisfies(e -> assertThat(e.message().orElseThrow()).contains("0 succeeded, 0 failed, 1 in flight"));
    assertThat(f.recorder.events()).filteredOn(e -> e.type() == UpgradeEventType.INSTANCE_FAILED).singleElement()
        .satisfies(e -> {
          assertThat(e.instanceIds()).containsExactly("0");
          assertThat(e.message().orElseThrow()).isEqualTo("no healthy signal within PT5M of the upgrade");
          assertThat(e.code()).contains(RollingUpgradeErrorCodes.HEALTH_TIMEOUT);
        });
    // 1 of 1 upgraded failed: the run stops, as it would have without the outage
    assertThat(end.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY);
    assertThat(end.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(1);
  }

  /**
   * Review of issue 15: a verdict is a deferred record (group commit), so a host may die with an
   * upgrade landed and no answer recorded. Resumed after the call timeout, the instance must be
   * found upgraded and healthy, not timed out (and rolled back), also with a driver whose
   * {@code whenSettled} answers a moment later (a real cloud's does: it asks over the network).
   */
  @Test
  void anUpgradeThatLandedWithItsVerdictLostIsFoundUpgradedLongAfter() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults());
    // records: 1 RUN_STARTED, 2 PLANNED, 3 BATCH_STARTED, 4 the first answer of batch 1: the host dies writing it
    var store = dev.rollingupgrade.testkit.crash.CrashingStore.before(new InMemoryRolloutStore(), 4);
    assertThat(f.start(store)).isTrue();
    String id = f.run.runId();
    f.run.abandon(); // the host is gone
    f.clock.advanceBy(Duration.ofHours(2)); // far past the 20 minute call timeout; the upgrade finished meanwhile
    f.run = RolloutRecovery.of(store).driver(new SlowToSettle(f)).health(f.fleet).scheduler(f.clock)
        .models(name -> f.scaleSet).listener(f.recorder).resume(id);
    f.recorder.watch(f.run);
    f.clock.runUntilIdle();
    UpgradeHistoryEntry end = f.run.completion().toCompletableFuture().join();
    assertThat(f.recorder.events()).noneMatch(e -> e.type() == UpgradeEventType.INSTANCE_FAILED);
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(10);
  }

  /** The fake fleet, but {@code whenSettled} answers one virtual second after it is asked. */
  private record SlowToSettle(ResumeFixture f) implements dev.rollingupgrade.api.spi.InstanceDriver {
    @Override
    public java.util.concurrent.CompletionStage<List<dev.rollingupgrade.api.Instance>> listInstances(String set) {
      return f.fleet.listInstances(set);
    }

    @Override
    public java.util.concurrent.CompletionStage<dev.rollingupgrade.api.Instance> getInstance(String set, String id) {
      return f.fleet.getInstance(set, id);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> replaceOsDisk(String set, String id,
        dev.rollingupgrade.api.ImageReference image, List<Extension> extensions) {
      return f.fleet.replaceOsDisk(set, id, image, extensions);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> restorePreviousOsDisk(String set, String id) {
      return f.fleet.restorePreviousOsDisk(set, id);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> setExtensionVersion(String set, String id, Extension e, String v) {
      return f.fleet.setExtensionVersion(set, id, e, v);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> applyLatestModel(String set, String id) {
      return f.fleet.applyLatestModel(set, id);
    }

    @Override
    public java.util.Optional<java.util.concurrent.CompletionStage<dev.rollingupgrade.api.Instance>> whenSettled(
        String set, String id) {
      var answer = new java.util.concurrent.CompletableFuture<dev.rollingupgrade.api.Instance>();
      f.clock.schedule(Duration.ofSeconds(1), () -> f.fleet.getInstance(set, id).whenComplete((i, e) -> {
        if (e != null) {
          answer.completeExceptionally(e);
        } else {
          answer.complete(i);
        }
      }));
      return java.util.Optional.of(answer);
    }
  }

  @Test
  void everyUnfinishedRunIsResumedInOneCall() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults());
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    ScaleSet other = ScaleSet.builder().from(f.scaleSet).name("other").build();
    RollingUpgradeRun a = RollingUpgrade.of(f.scaleSet).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store).start();
    RollingUpgradeRun b = RollingUpgrade.of(other).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store)
        .runId("other-run").start();
    f.clock.advanceBy(Duration.ofSeconds(10));
    a.abandon();
    b.abandon();
    RolloutRecovery recovery = RolloutRecovery.of(store).driver(f.fleet).health(f.fleet).scheduler(f.clock)
        .models(name -> name.equals("other") ? other : f.scaleSet);
    assertThat(recovery.unfinishedRuns()).containsExactly(a.runId(), "other-run");
    List<RollingUpgradeRun> resumed = recovery.resumeAll();
    f.clock.runUntilIdle();
    assertThat(resumed).extracting(RollingUpgradeRun::runId).containsExactly(a.runId(), "other-run");
    assertThat(resumed).allMatch(RollingUpgradeRun::isFinished);
    assertThat(store.unfinishedRuns()).isEmpty();
  }

  @Test
  void protectedSettingsAreNeverJournalledSoResumeAsksForTheModel() {
    ResumeFixture f = new ResumeFixture(5, RollingUpgradePolicy.defaults());
    ScaleSet withSecret = ScaleSet.builder().from(f.scaleSet).virtualMachineProfile(VirtualMachineProfile.builder()
        .from(f.scaleSet.virtualMachineProfile()).extensionProfile(ExtensionProfile.builder().addExtension(
            Extension.builder().name("agent").publisher("Contoso").type("Agent").typeHandlerVersion("1.0")
                .protectedSettings(ProtectedSettings.of(Map.of("key", "s3cret-value"))).build()).build()).build())
        .build();
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RollingUpgradeRun run = RollingUpgrade.of(withSecret).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store).start();
    f.clock.advanceBy(Duration.ofSeconds(1));
    run.abandon();
    assertThat(store.records(run.runId())).allSatisfy(r -> assertThat(r.attributes().toString()).doesNotContain("s3cret-value"));
    assertThatThrownBy(() -> RolloutRecovery.of(store).driver(f.fleet).health(f.fleet).scheduler(f.clock).resume(run.runId()))
        .hasMessageContaining("have protectedSettings, which the journal never holds; give models(...)");
    RollingUpgradeRun resumed = RolloutRecovery.of(store).driver(f.fleet).health(f.fleet).scheduler(f.clock)
        .models(name -> withSecret).resume(run.runId());
    f.clock.runUntilIdle();
    assertThat(resumed.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThatThrownBy(() -> RolloutRecovery.of(store).driver(f.fleet).health(f.fleet).scheduler(f.clock).resume("nope"))
        .hasMessageContaining("the store has no run nope");
  }

  @Test
  void aRunJournalledToAFileReadsBackFinishedWithItsHistory() {
    ResumeFixture f = new ResumeFixture(20, RollingUpgradePolicy.defaults());
    f.fleet.instance("7").neverBecomesHealthy();
    Path journal = dir.resolve("journal.log");
    String id;
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      f.start(store);
      id = f.run.runId();
    }
    assertThat(f.run.isFinished()).isTrue();
    try (FileRolloutStore reopened = FileRolloutStore.open(journal)) {
      assertThat(reopened.unfinishedRuns()).isEmpty();
      assertThat(reopened.history("vmss")).hasSize(1);
      assertThat(reopened.records(id)).last().satisfies(r -> assertThat(r.kind()).isEqualTo("RUN_FINISHED"));
    }
  }

  @Property(tries = 12)
  void aSimulationCrashedAfterAnyBatchEndsWithTheSameDigest(@ForAll @IntRange(min = 1, max = 12) int batch,
      @ForAll @LongRange(min = 0, max = 1000) long seed) {
    Simulation.Builder sim = Simulation.builder().instances(60).zones(2).updateDomains(3).seed(seed).faultRate(0.05);
    Simulation.Result plain = sim.build().run();
    Simulation.Result crashed = sim.crashAfterBatch(batch).build().run();
    assertThat(crashed.crashed()).isEqualTo(batch <= plain.batches());
    assertThat(crashed.violations()).isEmpty();
    assertThat(crashed.digest()).isEqualTo(plain.digest());
    assertThat(crashed.history()).isEqualTo(plain.history());
  }
}
