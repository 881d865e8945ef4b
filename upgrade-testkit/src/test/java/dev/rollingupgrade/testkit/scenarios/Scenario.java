package dev.rollingupgrade.testkit.scenarios;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A rolling upgrade on a fake fleet in virtual time, checked against the invariants after every run. */
final class Scenario {
  static final ImageReference OLD = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202401010");
  static final ImageReference NEW = ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202402010");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeFleet fleet;
  final ScaleSet scaleSet;
  final InMemoryRolloutStore store = new InMemoryRolloutStore();
  final RunRecorder recorder;
  private RolloutInvariants invariants;
  private UpgradeOperationInvoker startedBy = UpgradeOperationInvoker.USER;
  RollingUpgradeRun run;

  Scenario(int instances, int zones, int updateDomains, RollingUpgradePolicy policy) {
    this(instances, zones, updateDomains, policy, AutomaticOSUpgradePolicy.defaults(), b -> { });
  }

  Scenario(int instances, int zones, int updateDomains, RollingUpgradePolicy policy, AutomaticOSUpgradePolicy automatic,
      Consumer<FakeFleet.Builder> fleetOptions) {
    FakeFleet.Builder b = FakeFleet.builder(clock).instances(instances).zones(zones).updateDomains(updateDomains).image(OLD);
    fleetOptions.accept(b);
    fleet = b.build();
    scaleSet = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(NEW)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(policy)
            .automaticOSUpgradePolicy(automatic).build())
        .build();
    recorder = new RunRecorder(fleet);
  }

  static Scenario of(int instances, int zones, int updateDomains) {
    return new Scenario(instances, zones, updateDomains, RollingUpgradePolicy.defaults());
  }

  Scenario startedBy(UpgradeOperationInvoker who) {
    this.startedBy = who;
    return this;
  }

  /** Starts the run (after any fleet scripting). */
  RollingUpgradeRun start() {
    invariants = RolloutInvariants.before(scaleSet, fleet);
    run = RollingUpgrade.of(scaleSet).driver(fleet).health(fleet).scheduler(clock).store(store)
        .startedBy(startedBy).listener(recorder).start();
    recorder.watch(run);
    return run;
  }

  /** Starts, runs virtual time until nothing is left to do, checks the invariants, returns the history entry. */
  UpgradeHistoryEntry runToEnd() {
    if (run == null) {
      start();
    }
    clock.runUntilIdle();
    invariants.assertObeyed(recorder, run, startedBy);
    return run.completion().toCompletableFuture().join();
  }

  List<UpgradeEvent> events(UpgradeEventType type) {
    return recorder.events().stream().filter(e -> e.type() == type).collect(Collectors.toList());
  }

  List<String> calls(DriverCall.Kind kind) {
    return fleet.calls().stream().filter(c -> c.kind() == kind).map(DriverCall::instanceId).collect(Collectors.toList());
  }
}
