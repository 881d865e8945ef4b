package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.sim.Simulation;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.stream.IntStream;

/**
 * The fleet and scale set of {@code simulate}'s single-set scenario ({@link Simulation}), built
 * the same way, so that a run on another store ({@code ha-demo}, {@code bench}) gives the same
 * calls and the same {@link Simulation#digest digest} as {@code simulate} for the same options.
 */
record SeededFleet(VirtualScheduler clock, FakeFleet fleet, ScaleSet scaleSet) {
  static SeededFleet of(int instances, long seed, double faultRate) {
    int zones = 3;
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("sim").instances(instances).zones(zones).updateDomains(5)
        .image(Simulation.FROM).seed(seed).faultRate(faultRate).latencyJitter(Duration.ofSeconds(30)).build();
    ScaleSet set = ScaleSet.builder().name("sim").location("westeurope")
        .addAllZones(IntStream.rangeClosed(1, zones).mapToObj(String::valueOf).toList()).capacity(instances)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(Simulation.TO)
            .healthProbe(HealthProbeReference.of("/sim/lb/probes/health")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .rollingUpgradePolicy(RollingUpgradePolicy.defaults()).build())
        .build();
    return new SeededFleet(clock, fleet, set);
  }

  String digest(dev.rollingupgrade.api.status.RollingUpgradeStatus status) {
    return Simulation.digest(status, fleet.stateChangingCalls());
  }
}
