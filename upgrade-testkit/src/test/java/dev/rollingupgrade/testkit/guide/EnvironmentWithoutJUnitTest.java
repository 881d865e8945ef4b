package dev.rollingupgrade.testkit.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** docs/testkit.md: an environment built without the JUnit extension, and the defaults the guide states. */
class EnvironmentWithoutJUnitTest {
  @Test
  void theBuilderAndTheFleetHook() {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(20).zones(2).seed(7)
        .startTime(Instant.parse("2026-03-01T00:00:00Z"))
        .fleet(f -> f.faultRate(0.05).latencyJitter(Duration.ofSeconds(30)).pushesHealth(false))
        .build();
    RollingUpgradeRun run = env.start(env.scaleSet());
    env.runUntilDone();
    env.assertThat(run).obeysPolicy();

    assertThat(env.fleet().size()).isEqualTo(20);
    assertThat(env.fleet().instances()).anyMatch(i -> !i.image().equals(env.currentImage())); // upgraded
  }

  @Test
  void theDefaultsTheGuideStates() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    assertThat(env.fleet().scaleSetName()).isEqualTo("vmss");
    assertThat(env.scaleSet().name()).isEqualTo("vmss");
    assertThat(env.fleet().size()).isEqualTo(10);
    assertThat(env.clock().now()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(env.fleet().instances()).allMatch(i -> i.image().equals(env.currentImage()));
    assertThat(env.scaleSet().virtualMachineProfile().imageReference()).isEqualTo(env.nextImage());
  }

  @Test
  void aHundredInstancesTakeTheVirtualTimeTheGuideStates() {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(100).zones(3).updateDomains(5).build();
    RollingUpgradeRun run = env.start(env.scaleSet());
    assertThat(env.runUntilDone()).isEqualTo(Duration.ofSeconds(22 * 60 + 30)); // 15 batches of 90 s
    env.assertThat(run).isCompleted().hasBatchCount(15);

    RolloutTestEnvironment withABadApple = RolloutTestEnvironment.builder().instances(100).zones(3).updateDomains(5)
        .build();
    withABadApple.fleet().instance("42").neverBecomesHealthy();
    withABadApple.start(withABadApple.scaleSet(), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    assertThat(withABadApple.runUntilDone()).isEqualTo(Duration.ofMinutes(28)); // MyRolloutTest's run
  }
}
