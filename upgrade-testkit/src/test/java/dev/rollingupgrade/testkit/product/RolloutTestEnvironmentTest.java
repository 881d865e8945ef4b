package dev.rollingupgrade.testkit.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FleetOptions;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RolloutTestExtension;
import dev.rollingupgrade.testkit.fleet.FakeInstances;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The environment, its extension and its assertions, used as a user would. */
@ExtendWith(RolloutTestExtension.class)
@FleetOptions(instances = 20, zones = 2)
class RolloutTestEnvironmentTest {

  @Test
  void theExtensionInjectsAFleetShapedByTheClassOptions(RolloutTestEnvironment env) {
    assertThat(env.fleet().size()).isEqualTo(20);
    assertThat(env.fleet().zone("2").size()).isEqualTo(10);
    assertThat(env.scaleSet().capacity()).isEqualTo(20);
  }

  @Test
  @FleetOptions(instances = 5, zones = 0, updateDomains = 1)
  void methodOptionsWin(RolloutTestEnvironment env) {
    assertThat(env.fleet().size()).isEqualTo(5);
    assertThat(env.fleet().instance("0").zone()).isEmpty();
  }

  @Test
  void aZoneGoingDownStopsTheRunAndTheAssertionSaysSo(RolloutTestEnvironment env) {
    FakeInstances zone2 = env.fleet().zone("2");
    zone2.becomesUnhealthyAt(env.clock().now().plus(Duration.ofMinutes(2)));
    RollingUpgradeRun run = env.start(env.scaleSet());
    env.runUntilDone();
    env.assertThat(run).obeysPolicy().isFaultedWith(RollingUpgradeErrorCodes.UNHEALTHY_DURING);
    assertThatThrownBy(() -> env.assertThat(run).isCompleted())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to end Completed but it ended Faulted (MaxUnhealthyInstancePercentExceededInRollingUpgrade");
  }

  @Test
  void assertionsNameWhatWasExpectedAndWhatHappened(RolloutTestEnvironment env) {
    env.fleet().instance("7").neverBecomesHealthy();
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    assertThatThrownBy(() -> env.assertThat(run).isCompleted()).hasMessageContaining("has not ended");
    env.runUntilDone();
    env.assertThat(run).obeysPolicy().hasRolledBack("7");
    assertThatThrownBy(() -> env.assertThat(run).hasRolledBack("8"))
        .hasMessage("expected exactly [8] to be rolled back, but [7] were");
  }

  @Test
  void runsNotStartedByTheEnvironmentAreRefused(RolloutTestEnvironment env) {
    RollingUpgradeRun foreign = dev.rollingupgrade.core.run.RollingUpgrade.of(env.scaleSet()).driver(env.fleet())
        .health(env.fleet()).scheduler(env.clock()).start();
    assertThatThrownBy(() -> env.assertThat(foreign)).hasMessageContaining("was not started by this environment");
  }

  @Test
  void optionsForStartTimeSeedAndFleet() {
    Instant start = Instant.parse("2030-06-01T12:00:00Z");
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().startTime(start).seed(3).instances(8)
        .fleet(f -> f.idPrefix("vm-").upgradeLatency(Duration.ofSeconds(10)).timeToHealthy(Duration.ZERO)).build();
    RollingUpgradeRun run = env.start(env.scaleSet(RollingUpgradePolicy.defaults()));
    assertThat(env.runUntilDone()).isEqualTo(Duration.ofSeconds(80)); // 8 batches of one
    env.assertThat(run).obeysPolicy().isCompleted();
    assertThat(env.fleet().instance("vm-3").image()).isEqualTo(env.nextImage());
    assertThat(run.status().runningStatus().orElseThrow().startTime()).contains(start);
  }
}
