package dev.rollingupgrade.testkit.product;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FleetOptions;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RolloutTestExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example of {@link RolloutTestEnvironment}'s Javadoc, kept true. */
@ExtendWith(RolloutTestExtension.class)
class HundredInstanceRolloutTest {
  @Test
  @FleetOptions(instances = 100, zones = 3, updateDomains = 5)
  void aHundredInstancesRollOverHoursOfVirtualTime(RolloutTestEnvironment env) {
    env.fleet().instance("42").neverBecomesHealthy();                  // one bad apple
    env.fleet().zone("3").timeToHealthy(Duration.ofMinutes(4));          // a slow zone
    ScaleSet set = env.scaleSet(RollingUpgradePolicy.builder()
        .pauseTimeBetweenBatches(Duration.ofMinutes(10)).build());

    RollingUpgradeRun run = env.start(set, upgrade -> upgrade.startedBy(UpgradeOperationInvoker.PLATFORM));
    Duration took = env.runUntilDone();                                  // milliseconds of real time

    env.assertThat(run).obeysPolicy().isCompleted().hasRolledBack("42");
    assertTrue(took.compareTo(Duration.ofHours(2)) > 0);                  // 15 batches, 14 pauses
  }
}
