package dev.rollingupgrade.testkit.resume;

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
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.crash.SimulatedCrash;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.sim.Simulation;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.function.Function;

/** A 50-instance platform run with faults of every kind, that can crash and be resumed. */
final class ResumeFixture {
  static final ImageReference OLD = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202401010");
  static final ImageReference NEW = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202402010");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeFleet fleet;
  final ScaleSet scaleSet;
  final RunRecorder recorder;
  RolloutInvariants invariants;
  RollingUpgradeRun run;

  ResumeFixture(int instances, RollingUpgradePolicy policy) {
    fleet = FakeFleet.builder(clock).instances(instances).zones(2).updateDomains(5).image(OLD).seed(11)
        .latencyJitter(Duration.ofSeconds(40)).build();
    scaleSet = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(NEW)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(policy).build())
        .build();
    recorder = new RunRecorder(fleet);
  }

  /** Fifty instances; faults spread so the run completes, with rollbacks (one failing) and a timeout. */
  static ResumeFixture withFaults() {
    ResumeFixture f = new ResumeFixture(50, RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(30).build());
    f.fleet.instance("3").neverBecomesHealthy();
    f.fleet.instance("14").failsUpgrade();
    f.fleet.instance("25").neverBecomesHealthy().failsRollback();
    f.fleet.instance("36").hangsOnUpgrade();
    f.fleet.instance("47").throwsOnUpgrade();
    f.fleet.instance("22").protectedFromScaleSetActions();
    f.fleet.instance("31").runs(NEW);
    return f;
  }

  /** Starts a platform run on {@code store}; runs until it ends or crashes; true when it crashed. */
  boolean start(RolloutStore store) {
    invariants = RolloutInvariants.before(scaleSet, fleet); // after the fleet's scripting
    run = RollingUpgrade.of(scaleSet).driver(fleet).health(fleet).scheduler(clock).store(store)
        .startedBy(UpgradeOperationInvoker.PLATFORM).callTimeout(Duration.ofMinutes(20)).listener(recorder).start();
    recorder.watch(run);
    return runOrCrash();
  }

  /** Throws away the crashed run and resumes it from {@code store}, at the same instant. */
  void resume(RolloutStore store) {
    String id = run.runId();
    run.abandon();
    run = recovery(store).resume(id);
    recorder.watch(run);
  }

  RolloutRecovery recovery(RolloutStore store) {
    Function<String, ScaleSet> models = name -> scaleSet;
    return RolloutRecovery.of(store).driver(fleet).health(fleet).scheduler(clock).models(models).listener(recorder);
  }

  boolean runOrCrash() {
    try {
      clock.runUntilIdle();
      return false;
    } catch (SimulatedCrash crash) {
      return true;
    }
  }

  String digest() {
    return Simulation.digest(run.status(), fleet.stateChangingCalls());
  }

  static RolloutStore memory() {
    return new InMemoryRolloutStore();
  }
}
