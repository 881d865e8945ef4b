package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.crash.SimulatedCrash;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.sim.Simulation;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** A 40-instance platform run with faults, driven by replicas that share one fleet, one clock and one database. */
final class Replicas {
  static final ImageReference OLD = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202401010");
  static final ImageReference NEW = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202402010");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeFleet fleet;
  final ScaleSet scaleSet;
  final RunRecorder recorder;
  final RolloutInvariants invariants;
  RollingUpgradeRun run;

  Replicas() {
    fleet = FakeFleet.builder(clock).instances(40).zones(2).updateDomains(5).image(OLD).seed(7)
        .latencyJitter(Duration.ofSeconds(40)).build();
    fleet.instance("3").neverBecomesHealthy();
    fleet.instance("14").failsUpgrade();
    fleet.instance("25").neverBecomesHealthy().failsRollback();
    fleet.instance("31").runs(NEW);
    scaleSet = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(NEW)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(
            RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(30).build()).build())
        .build();
    recorder = new RunRecorder(fleet);
    invariants = RolloutInvariants.before(scaleSet, fleet);
  }

  /** Starts the run on replica {@code owner}'s store; runs it until it ends or its replica dies (true). */
  boolean start(RolloutStore store, String owner) {
    run = RollingUpgrade.of(scaleSet).driver(fleet).health(fleet).scheduler(clock).store(store).runId("run-1")
        .options(options(owner)).startedBy(UpgradeOperationInvoker.PLATFORM).listener(recorder).start();
    recorder.watch(run);
    return runOrDie();
  }

  /** How replica {@code owner} resumes runs. */
  RolloutRecovery recovery(RolloutStore store, String owner) {
    return RolloutRecovery.of(store).driver(fleet).health(fleet).scheduler(clock).models(name -> scaleSet)
        .listener(recorder).options(options(owner));
  }

  static RunOptions options(String owner) {
    return RunOptions.defaults().withOwner(owner).withLeaseDuration(Duration.ofMinutes(1));
  }

  boolean runOrDie() {
    try {
      clock.runUntilIdle();
      return false;
    } catch (SimulatedCrash death) {
      return true;
    }
  }

  String digest() {
    return Simulation.digest(run.status(), fleet.stateChangingCalls());
  }

  /** Upgrade calls per instance. */
  Map<String, Integer> upgrades() {
    Map<String, Integer> upgrades = new TreeMap<>();
    fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK)
        .forEach(c -> upgrades.merge(c.instanceId(), 1, Integer::sum));
    return upgrades;
  }
}
