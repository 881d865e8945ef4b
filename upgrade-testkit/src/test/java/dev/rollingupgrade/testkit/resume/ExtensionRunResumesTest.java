package dev.rollingupgrade.testkit.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.crash.CrashingStore;
import dev.rollingupgrade.testkit.crash.SimulatedCrash;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: an extension run (20 instances, three of which the new version breaks) whose host dies
 * just before or after any journal record resumes to the same run: same history entry, every
 * instance on the same version, no instance's version set twice to the target.
 */
class ExtensionRunResumesTest {
  static final Extension AGENT = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
      .type("DependencyAgentLinux").typeHandlerVersion("9.10").enableAutomaticUpgrade(true).build();

  static final class Fixture {
    final VirtualScheduler clock = VirtualScheduler.create();
    final FakeFleet fleet = FakeFleet.builder(clock).instances(20).zones(2).updateDomains(5).extension("agent", "9.10")
        .seed(3).latencyJitter(Duration.ofSeconds(40)).build();
    final ScaleSet set = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(AGENT).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(
            RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(40).build()).build())
        .build();
    RollingUpgradeRun run;

    Fixture() {
      fleet.instances("2", "11", "17").breaksWith("agent", "9.10.4");
    }

    boolean start(RolloutStore store) {
      run = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock).store(store)
          .startedBy(UpgradeOperationInvoker.PLATFORM).targetExtension("agent", "9.10.4").start();
      return runOrCrash();
    }

    boolean runOrCrash() {
      try {
        clock.runUntilIdle();
        return false;
      } catch (SimulatedCrash crash) {
        return true;
      }
    }

    void resume(RolloutStore store) {
      String id = run.runId();
      run.abandon();
      run = RolloutRecovery.of(store).driver(fleet).health(fleet).scheduler(clock).models(name -> set).resume(id);
      runOrCrash();
    }

    Map<String, String> versions() {
      Map<String, String> v = new TreeMap<>();
      for (FakeInstance i : fleet.instances()) {
        v.put(i.id(), i.extensionVersion("agent").orElseThrow());
      }
      return v;
    }

    Map<String, Integer> upgradesToTarget() {
      Map<String, Integer> n = new TreeMap<>();
      fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION
          && c.detail().equals("agent=9.10.4")).forEach(c -> n.merge(c.instanceId(), 1, Integer::sum));
      return n;
    }
  }

  @Test
  void aCrashAtAnyRecordResumesToTheSameRun() {
    Fixture plain = new Fixture();
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    assertThat(plain.start(store)).isFalse();
    UpgradeHistoryEntry expected = plain.run.completion().toCompletableFuture().join();
    assertThat(expected.rollbackInfo().orElseThrow().successfullyRolledbackInstanceCount()).isEqualTo(3);
    int records = store.records(plain.run.runId()).size();
    for (int k = 1; k <= records; k++) {
      for (boolean after : new boolean[] {false, true}) {
        String where = (after ? "after" : "before") + " record " + k;
        Fixture f = new Fixture();
        InMemoryRolloutStore durable = new InMemoryRolloutStore();
        assertThat(f.start(after ? CrashingStore.after(durable, k) : CrashingStore.before(durable, k))).as(where)
            .isTrue();
        if (durable.records(f.run.runId()).isEmpty()) {
          f.run.abandon();
          f.start(durable);
        } else {
          f.resume(durable);
        }
        assertThat(f.run.isFinished()).as(where).isTrue();
        UpgradeHistoryEntry resumed = f.run.completion().toCompletableFuture().join();
        assertThat(resumed).as(where).usingRecursiveComparison().ignoringFields("runningStatus").isEqualTo(expected);
        assertThat(f.versions()).as(where).isEqualTo(plain.versions());
        assertThat(f.upgradesToTarget().values()).as(where).containsOnly(1);
      }
    }
  }
}
