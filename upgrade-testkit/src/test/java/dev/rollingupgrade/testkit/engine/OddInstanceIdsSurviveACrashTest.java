package dev.rollingupgrade.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.store.FileRolloutStore;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instance ids are journalled structured (batch members as a JSON array), so ids with commas,
 * quotes, tabs, unicode or 200 characters survive a crash and a resume from a file journal. The
 * previous format joined batch members with commas and failed to resume such ids.
 */
class OddInstanceIdsSurviveACrashTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"web,1,", "say \"hi\" \\ ", "tab\there\nline-", "zoné-日本-🙂-", "long"})
  void theRunResumesAndUpgradesEachInstanceOnce(String prefix) {
    String idPrefix = prefix.equals("long") ? "x".repeat(197) + "-" : prefix;
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).idPrefix(idPrefix).instances(12).zones(2).updateDomains(3)
        .image(RolloutTestEnvironment.CURRENT_IMAGE).build();
    fleet.instance(idPrefix + "4").neverBecomesHealthy();
    ScaleSet set = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(RolloutTestEnvironment.NEXT_IMAGE)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .rollingUpgradePolicy(RollingUpgradePolicy.builder().maxBatchInstancePercent(50).build()).build())
        .build();
    Path journal = dir.resolve("journal.log");
    FileRolloutStore store = FileRolloutStore.open(journal);
    RollingUpgradeRun run = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock).store(store)
        .startedBy(UpgradeOperationInvoker.PLATFORM).start();
    clock.advanceBy(Duration.ofSeconds(30)); // the first batch is in flight
    run.abandon();
    store.close();

    try (FileRolloutStore reopened = FileRolloutStore.open(journal)) {
      RollingUpgradeRun resumed = RolloutRecovery.of(reopened).driver(fleet).health(fleet).scheduler(clock)
          .resume(run.runId());
      clock.runUntilIdle();
      assertThat(resumed.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
      assertThat(resumed.outcome(idPrefix + "4").orElseThrow().state())
          .isEqualTo(dev.rollingupgrade.core.run.InstanceOutcome.State.ROLLED_BACK);
      List<String> upgraded = fleet.stateChangingCalls().stream()
          .filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK).map(DriverCall::instanceId).toList();
      assertThat(upgraded).hasSize(12).doesNotHaveDuplicates().allMatch(id -> id.startsWith(idPrefix));
      assertThat(resumed.batches().stream().flatMap(b -> b.instanceIds().stream()).toList())
          .containsExactlyInAnyOrderElementsOf(upgraded);
    }
  }
}
