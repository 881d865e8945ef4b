package dev.rollingupgrade.testkit.extension;

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
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 12: extension runs over random fleets, policies and faults (a version that breaks some
 * instances, instances already at or past the target, failing and hanging calls), judged by the
 * invariant checker: the batch cap, zones and update domains, the unhealthy budget, one upgrade
 * per instance, rollback (reinstalling the previous version) only where allowed, thresholds.
 */
class ExtensionRunsObeyThePolicyPropertiesTest {
  static final Extension AGENT = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
      .type("DependencyAgentLinux").typeHandlerVersion("9.10").enableAutomaticUpgrade(true).build();

  record Case(int instances, int zones, int updateDomains, RollingUpgradePolicy policy,
      UpgradeOperationInvoker startedBy, long seed, double faultRate) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<RollingUpgradePolicy> policies = Combinators.combine(
            Arbitraries.integers().between(5, 100), Arbitraries.integers().between(5, 100),
            Arbitraries.integers().between(0, 100), Arbitraries.integers().between(30, 600),
            Arbitraries.of(true, false).list().ofSize(3))
        .as((batch, unhealthy, upgraded, timeout, flags) -> RollingUpgradePolicy.builder()
            .maxBatchInstancePercent(batch).maxUnhealthyInstancePercent(unhealthy)
            .maxUnhealthyUpgradedInstancePercent(upgraded).healthTimeout(Duration.ofSeconds(timeout))
            .enableCrossZoneUpgrade(flags.get(0)).respectUpdateDomains(flags.get(1))
            .rollbackFailedInstancesOnPolicyBreach(flags.get(2)).build());
    return Combinators.combine(Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 5), policies,
            Arbitraries.of(UpgradeOperationInvoker.USER, UpgradeOperationInvoker.PLATFORM), Arbitraries.longs())
        .as((n, z, u, p, who, seed) -> new Case(n, z, u, p, who, seed, new Random(seed).nextDouble() * 0.4));
  }

  @Property(tries = 200)
  void everyExtensionRunObeysThePolicy(@ForAll("cases") Case c) {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("vmss").instances(c.instances()).zones(c.zones())
        .updateDomains(c.updateDomains()).extension("agent", "9.10").seed(c.seed())
        .latencyJitter(Duration.ofSeconds(40)).build();
    Random random = new Random(c.seed());
    for (FakeInstance i : fleet.instances()) {
      if (random.nextDouble() >= c.faultRate()) {
        continue;
      }
      switch (random.nextInt(6)) {
        case 0 -> i.breaksWith("agent", "9.10.4");
        case 1 -> i.failsUpgrade();
        case 2 -> i.hangsOnUpgrade();
        case 3 -> i.hasExtension("agent", "9.10.4"); // at the target already
        case 4 -> i.hasExtension("agent", "9.11"); // past it: never downgraded
        default -> i.protectedFromScaleSetActions();
      }
    }
    ScaleSet set = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(AGENT).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(c.policy()).build())
        .build();
    RolloutInvariants invariants = RolloutInvariants.before(set, fleet);
    RunRecorder recorder = new RunRecorder(fleet);
    RollingUpgradeRun run = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock)
        .callTimeout(Duration.ofMinutes(20)).startedBy(c.startedBy()).targetExtension("agent", "9.10.4")
        .listener(recorder).start();
    recorder.watch(run);
    clock.runUntilIdle();
    assertThat(run.isFinished()).isTrue();
    invariants.assertObeyed(recorder, run, c.startedBy());
    // never downgraded, and nobody left in between
    for (FakeInstance i : fleet.instances()) {
      assertThat(i.extensionVersion("agent").orElseThrow()).as(i.id()).isIn("9.10", "9.10.4", "9.11");
    }
  }
}
