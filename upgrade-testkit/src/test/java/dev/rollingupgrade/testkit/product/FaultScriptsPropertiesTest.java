package dev.rollingupgrade.testkit.product;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FaultArbitraries;
import dev.rollingupgrade.testkit.FaultScript;
import dev.rollingupgrade.testkit.ModelArbitraries;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import java.time.Duration;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The public arbitraries, used the way a user property-tests with them. */
class FaultScriptsPropertiesTest {

  @Provide
  Arbitrary<FaultScript> scripts() {
    return FaultArbitraries.faultScripts(30, 0.15);
  }

  @Provide
  Arbitrary<RollingUpgradePolicy> policies() {
    return ModelArbitraries.rollingUpgradePolicies().filter(p -> p.pauseTimeBetweenBatches().compareTo(Duration.ofMinutes(30)) < 0);
  }

  @Property(tries = 80)
  void anyFaultScriptUnderAnyPolicyObeysTheRules(@ForAll("scripts") FaultScript script,
      @ForAll("policies") RollingUpgradePolicy policy) {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(30).zones(3).build();
    script.applyTo(env.fleet());
    RollingUpgradeRun run = env.start(env.scaleSet(policy), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    env.runUntilDone();
    env.assertThat(run).obeysPolicy();
  }

  @Property(tries = 50)
  void scriptsHaveTheirFaultsOnInstancesOfTheFleet(@ForAll("scripts") FaultScript script) {
    assertThat(script.faults().keySet()).allMatch(i -> i >= 0 && i < 30);
  }
}
