package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FleetOptions;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RolloutTestExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The quickstart's scenario, tested with the testkit exactly as a user of the library would. */
@ExtendWith(RolloutTestExtension.class)
class QuickstartScenarioTest {

  @Test
  @FleetOptions(instances = 20, zones = 2, updateDomains = 5)
  void oneFailingInstanceInZoneTwoIsRolledBackAndTheRunCompletes(RolloutTestEnvironment env) {
    env.fleet().instance(QuickstartCommand.FAILING).neverBecomesHealthy();
    RollingUpgradeRun run = env.start(env.scaleSet(), upgrade -> upgrade.startedBy(UpgradeOperationInvoker.PLATFORM));
    Duration took = env.runUntilDone();
    env.assertThat(run).obeysPolicy().isCompleted().hasRolledBack(QuickstartCommand.FAILING);
    assertThat(took).isEqualTo(Duration.ofMinutes(20).plusSeconds(30)); // the quickstart prints 00:20:30
    assertThat(run.status().progress().orElseThrow().failedInstanceCount()).isEqualTo(1);
  }
}
