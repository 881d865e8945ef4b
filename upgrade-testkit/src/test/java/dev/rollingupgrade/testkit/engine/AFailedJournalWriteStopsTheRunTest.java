package dev.rollingupgrade.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.crash.ForwardingRolloutStore;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A journal write that fails (a full disk: the file store cuts the group back off and fails its
 * stage) is the run's to know: it makes no side effect the failed decision would have enabled,
 * ends Faulted with the store's reason, and its journal holds that end.
 */
class AFailedJournalWriteStopsTheRunTest {
  private final VirtualScheduler clock = VirtualScheduler.create();
  private final FakeFleet fleet = FakeFleet.builder(clock).instances(30).zones(3).updateDomains(5)
      .image(RolloutTestEnvironment.CURRENT_IMAGE).build();

  /** Fails one append of the given kind, as a file store does when the disk is full. */
  private static final class FullOnce extends ForwardingRolloutStore {
    private final String failKind;
    private boolean failed;

    FullOnce(String failKind) {
      super(new InMemoryRolloutStore());
      this.failKind = failKind;
    }

    private synchronized CompletionStage<Void> maybeFail(List<RunRecord> records) {
      if (!failed && records.stream().anyMatch(r -> r.kind().equals(failKind) && r.sequence() > 20)) {
        failed = true;
        return CompletableFuture.failedFuture(new UncheckedIOException("cannot write journal j: No space left on "
            + "device; the records were not written (the journal was cut back to byte 4711)",
            new IOException("No space left on device")));
      }
      return null;
    }

    @Override
    public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
      CompletionStage<Void> failure = maybeFail(records);
      return failure != null ? failure : super.append(lease, records);
    }

    @Override
    public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
      CompletionStage<Void> failure = maybeFail(records);
      return failure != null ? failure : super.appendDeferred(lease, records);
    }
  }

  private RollingUpgradeRun run(RolloutStore store) {
    ScaleSet set = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(RolloutTestEnvironment.NEXT_IMAGE)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build()).build();
    RollingUpgradeRun run = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock).store(store).start();
    clock.runUntilIdle();
    return run;
  }

  @Test
  void aBatchStartThatCannotBeWrittenIsNeverActedOn() {
    FullOnce store = new FullOnce("BATCH_STARTED");
    RollingUpgradeRun run = run(store);
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(end.error().orElseThrow().code()).contains(RollingUpgradeErrorCodes.INTERNAL);
    assertThat(end.error().orElseThrow().message().orElseThrow()).contains("No space left on device");
    List<RunRecord> journal = store.records(run.runId());
    long started = journal.stream().filter(r -> r.kind().equals("BATCH_STARTED")).count();
    // only the batches whose start was written were upgraded
    assertThat(run.batches()).hasSize((int) started);
    long upgraded = fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK).count();
    assertThat(upgraded).isEqualTo(run.batches().stream().mapToLong(b -> b.instanceIds().size()).sum());
    assertThat(journal.get(journal.size() - 1).isFinal()).isTrue();
    assertThat(store.unfinishedRuns()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"INSTANCE_SUCCEEDED", "UPGRADE_RETURNED"})
  void aDeferredDecisionThatCannotBeWrittenFaultsTheRunToo(String kind) {
    FullOnce store = new FullOnce(kind);
    RollingUpgradeRun run = run(store);
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.FAULTED);
    assertThat(end.error().orElseThrow().message().orElseThrow()).contains("No space left on device");
    List<RunRecord> journal = store.records(run.runId());
    for (int i = 0; i < journal.size(); i++) {
      assertThat(journal.get(i).sequence()).isEqualTo(i); // the failed record's number went to the next one
    }
    assertThat(journal.get(journal.size() - 1).isFinal()).isTrue();
  }
}
