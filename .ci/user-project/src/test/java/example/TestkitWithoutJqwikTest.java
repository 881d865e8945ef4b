package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.FleetOptions;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.RolloutTestExtension;
import dev.rollingupgrade.testkit.crash.CrashingStore;
import dev.rollingupgrade.testkit.crash.SimulatedCrash;
import dev.rollingupgrade.testkit.sim.Simulation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Everything of the testkit but the arbitraries, in a project without jqwik. */
@ExtendWith(RolloutTestExtension.class)
class TestkitWithoutJqwikTest {
  @Test
  void jqwikIsReallyExcluded() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("net.jqwik.api.Arbitrary"));
  }

  @Test
  @FleetOptions(instances = 20, zones = 2)
  void theEnvironmentTheFleetAndTheAssertions(RolloutTestEnvironment env) {
    env.fleet().instance("7").neverBecomesHealthy();
    env.fleet().zone("2").timeToHealthy(Duration.ofMinutes(2));
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    env.advance(Duration.ofMinutes(3));
    run.cancel();
    Instant cancelled = env.clock().now();
    env.runUntilDone();
    env.assertThat(run).obeysPolicy().isCancelled().startedNoBatchAfter(cancelled);
  }

  @Test
  void aCrashAndAResume() {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(10).build();
    RollingUpgradeRun run = env.start(env.scaleSet(),
        u -> u.store(CrashingStore.after(env.store(), 5)));
    assertThrows(SimulatedCrash.class, env::runUntilDone);
    run.abandon();
    RollingUpgradeRun resumed = env.recovery().resume(run.runId());
    env.runUntilDone();
    assertEquals(run.runId(), resumed.runId());
  }

  @Test
  void aSimulation() {
    Simulation.Result result = Simulation.builder().instances(50).zones(2).seed(3).faultRate(0.02).build().run();
    assertEquals(50, result.history().progress().orElseThrow().successfulInstanceCount()
        + result.history().progress().orElseThrow().failedInstanceCount());
  }
}
