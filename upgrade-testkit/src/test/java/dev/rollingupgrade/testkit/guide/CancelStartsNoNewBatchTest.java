package dev.rollingupgrade.testkit.guide;

import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FleetOptions;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RolloutTestExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RolloutTestExtension.class)
class CancelStartsNoNewBatchTest {
  @Test
  @FleetOptions(instances = 20)
  void theBatchInFlightFinishesAndNoOtherStarts(RolloutTestEnvironment env) {
    RollingUpgradeRun run = env.start(env.scaleSet());
    env.advance(Duration.ofSeconds(100));     // batch 1 took 90 s; batch 2 is in flight
    run.cancel();
    Instant cancelled = env.clock().now();
    env.runUntilDone();
    env.assertThat(run).isCancelled().obeysPolicy()
        .hasBatchCount(2).hasBatch(2, "1", "6", "11", "16").startedNoBatchAfter(cancelled);
  }
}
