package dev.rollingupgrade.testkit.guide;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FaultArbitraries;
import dev.rollingupgrade.testkit.FaultScript;
import dev.rollingupgrade.testkit.ModelArbitraries;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MyPropertiesTest {
  @Property(tries = 50)
  void anyFaultsAnyPolicy(@ForAll("scripts") FaultScript script, @ForAll("policies") RollingUpgradePolicy policy) {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(30).zones(3).build();
    script.applyTo(env.fleet());
    RollingUpgradeRun run = env.start(env.scaleSet(policy));
    env.runUntilDone();
    env.assertThat(run).obeysPolicy();
  }

  @Provide
  Arbitrary<FaultScript> scripts() {
    return FaultArbitraries.faultScripts(30, 0.1);
  }

  @Provide
  Arbitrary<RollingUpgradePolicy> policies() {
    return ModelArbitraries.rollingUpgradePolicies();
  }
}
