package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random fleets, policies and fault scripts through the orchestrator, checked by the invariant checker. */
class RandomRunsObeyThePolicyPropertiesTest {

  /** One random case: fleet shape, policy, who started it, and a seed for the fault script. */
  record Case(int instances, int zones, int updateDomains, RollingUpgradePolicy policy, boolean disableRollback,
      UpgradeOperationInvoker startedBy, boolean push, long seed, double faultRate) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<RollingUpgradePolicy> policies = Combinators.combine(
            Arbitraries.integers().between(5, 100), Arbitraries.integers().between(5, 100),
            Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 600),
            Arbitraries.integers().between(30, 600), Arbitraries.of(true, false).list().ofSize(4))
        .as((batch, unhealthy, upgraded, pause, timeout, flags) -> RollingUpgradePolicy.builder()
            .maxBatchInstancePercent(batch).maxUnhealthyInstancePercent(unhealthy)
            .maxUnhealthyUpgradedInstancePercent(upgraded).pauseTimeBetweenBatches(Duration.ofSeconds(pause))
            .healthTimeout(Duration.ofSeconds(timeout)).enableCrossZoneUpgrade(flags.get(0))
            .prioritizeUnhealthyInstances(flags.get(1)).rollbackFailedInstancesOnPolicyBreach(flags.get(2))
            .respectUpdateDomains(flags.get(3)).build());
    return Combinators.combine(Arbitraries.integers().between(1, 60), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, 5), policies, Arbitraries.of(true, false),
            Arbitraries.of(UpgradeOperationInvoker.USER, UpgradeOperationInvoker.PLATFORM),
            Arbitraries.of(true, false), Arbitraries.longs())
        .as((n, z, u, p, disable, who, push, seed) -> new Case(n, z, u, p, disable, who, push, seed,
            new Random(seed).nextDouble() * 0.3));
  }

  private static Scenario scenario(Case c) {
    Scenario s = new Scenario(c.instances(), c.zones(), c.updateDomains(), c.policy(),
        AutomaticOSUpgradePolicy.builder().disableAutomaticRollback(c.disableRollback()).build(),
        b -> b.pushesHealth(c.push()).seed(c.seed()).latencyJitter(Duration.ofSeconds(40)))
        .startedBy(c.startedBy());
    Random random = new Random(c.seed());
    for (FakeInstance i : s.fleet.instances()) {
      if (random.nextDouble() >= c.faultRate()) {
        continue;
      }
      switch (random.nextInt(11)) {
        case 0 -> i.neverBecomesHealthy();
        case 1 -> i.failsUpgrade();
        case 2 -> i.throwsOnUpgrade();
        case 3 -> i.hangsOnUpgrade();
        case 4 -> i.neverBecomesHealthy().failsRollback();
        case 5 -> i.startsUnhealthy();
        case 6 -> i.becomesUnhealthyAt(s.clock.now().plusSeconds(random.nextInt(3600)));
        case 7 -> i.flaps(Duration.ofSeconds(20 + random.nextInt(100)), 1 + random.nextInt(3));
        case 8 -> i.timeToHealthy(Duration.ofSeconds(random.nextInt(900)));
        case 9 -> i.protectedFromScaleSetActions();
        default -> i.runs(Scenario.NEW);
      }
    }
    return s;
  }

  @Property(tries = 250)
  void everyRunObeysThePolicy(@ForAll("cases") Case c) {
    Scenario s = scenario(c);
    s.runToEnd(); // asserts the invariants
    assertThat(s.run.isFinished()).isTrue();
  }

  @Property(tries = 60)
  void theSameCaseGivesTheSameRunEventForEvent(@ForAll("cases") Case c) {
    Scenario first = scenario(c);
    first.runToEnd();
    Scenario second = scenario(c);
    second.runToEnd();
    List<String> a = first.recorder.events().stream().map(Object::toString).toList();
    List<String> b = second.recorder.events().stream().map(Object::toString).toList();
    assertThat(b).isEqualTo(a);
    assertThat(second.fleet.calls()).isEqualTo(first.fleet.calls());
    assertThat(second.run.status()).isEqualTo(first.run.status());
  }
}
