package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.UpgradeHistory;
import dev.rollingupgrade.core.run.UpgradeKind;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import org.junit.jupiter.api.Test;

/** Issue 12: an extension upgrade is a third kind of run on the same engine; undo reinstalls the previous version. */
class ExtensionRunTest {
  static final Extension AGENT = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
      .type("DependencyAgentLinux").typeHandlerVersion("9.10").enableAutomaticUpgrade(true).build();

  final RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(10).zones(1)
      .fleet(f -> f.extension("agent", "9.10")).build();

  /** The environment's set with the agent; 2 failures of 9 upgraded (22 %) within its 30 % threshold. */
  ScaleSet withAgent(UpgradeMode mode) {
    ScaleSet plain = env.scaleSet(RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(30).build());
    return ScaleSet.builder().from(plain)
        .virtualMachineProfile(VirtualMachineProfile.builder().from(plain.virtualMachineProfile())
            .extensionProfile(ExtensionProfile.builder().addExtensions(AGENT).build()).build())
        .upgradePolicy(UpgradePolicy.builder().from(plain.upgradePolicy()).mode(mode).build())
        .build();
  }

  @Test
  void anExtensionRunSetsTheVersionBatchByBatchAndReinstallsThePreviousOneWhereHealthDoesNotCome() {
    env.fleet().instances("3", "7").breaksWith("agent", "9.10.1");
    env.fleet().instance("5").hasExtension("agent", "9.11"); // later already: never downgraded
    RollingUpgradeRun run = env.start(withAgent(UpgradeMode.ROLLING), r -> r.targetExtension("agent", "9.10.1")
        .startedBy(UpgradeOperationInvoker.PLATFORM));
    env.runUntilDone();

    assertThat(run.kind()).isEqualTo(UpgradeKind.EXTENSION);
    env.assertThat(run).obeysPolicy().isCompleted()
        .hasUpgraded("0", "1", "2", "3", "4", "6", "7", "8", "9").hasRolledBack("3", "7");
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    assertThat(end.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(2);
    assertThat(end.progress().orElseThrow().failedInstanceCount()).isEqualTo(2);
    assertThat(end.targetImageReference()).isEmpty();
    assertThat(end.targetExtension()).contains(TargetExtension.of(AGENT, "9.10.1"));
    for (FakeInstance i : env.fleet().instances()) {
      String expected = switch (i.id()) {
        case "3", "7" -> "9.10";
        case "5" -> "9.11";
        default -> "9.10.1";
      };
      assertThat(i.extensionVersion("agent")).as(i.id()).contains(expected);
    }
    // its own history, not the set's OS upgrade history; the JSON shape carries it
    assertThat(env.store().history(UpgradeHistory.extensionKey(env.scaleSet().name(), "agent"))).containsExactly(end);
    assertThat(env.store().history(env.scaleSet().name())).isEmpty();
    assertThat(AzureJson.readHistoryEntry(AzureJson.write(end))).isEqualTo(end);
  }

  @Test
  void thePlatformMayRollAnOptedInExtensionOnASetOfAnyMode() {
    RollingUpgradeRun run = env.start(withAgent(UpgradeMode.MANUAL), r -> r.targetExtension("agent", "9.10.1")
        .startedBy(UpgradeOperationInvoker.PLATFORM));
    env.runUntilDone();
    env.assertThat(run).obeysPolicy().isCompleted();

    ScaleSet optedOut = ScaleSet.builder().from(withAgent(UpgradeMode.MANUAL))
        .virtualMachineProfile(VirtualMachineProfile.builder().from(withAgent(UpgradeMode.MANUAL).virtualMachineProfile())
            .extensionProfile(ExtensionProfile.builder().addExtensions(Extension.builder().from(AGENT)
                .enableAutomaticUpgrade(false).build()).build()).build())
        .build();
    assertThatThrownBy(() -> env.start(optedOut, r -> r.targetExtension("agent", "9.10.2")
        .startedBy(UpgradeOperationInvoker.PLATFORM).runId("second")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Manual");
  }

  @Test
  void anUnknownExtensionOrABlankVersionIsRefusedWithTheNamesThereAre() {
    assertThatThrownBy(() -> env.start(withAgent(UpgradeMode.ROLLING), r -> r.targetExtension("agnet", "9.10.1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no extension agnet")
        .hasMessageContaining("[agent]");
    assertThatThrownBy(() -> env.start(withAgent(UpgradeMode.ROLLING), r -> r.targetExtension("agent", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
    assertThatThrownBy(() -> env.start(withAgent(UpgradeMode.ROLLING), r -> r.kind(UpgradeKind.EXTENSION)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetExtension(name, version)");
  }
}
