package dev.rollingupgrade.testkit.guide;

import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FleetOptions;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RolloutTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RolloutTestExtension.class)
class MyRolloutTest {
  @Test
  @FleetOptions(instances = 100, zones = 3, updateDomains = 5)
  void rolls(RolloutTestEnvironment env) {
    env.fleet().instance("42").neverBecomesHealthy();
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    env.runUntilDone();                       // 28 virtual minutes: 15 batches, 42 waited for and rolled back
    env.assertThat(run).obeysPolicy().isCompleted().hasRolledBack("42");
  }
}
