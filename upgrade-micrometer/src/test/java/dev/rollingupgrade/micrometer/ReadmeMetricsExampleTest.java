package dev.rollingupgrade.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The README's "Metrics" example, kept compiling and true (with the testkit's fleet and virtual time). */
class ReadmeMetricsExampleTest {
  @Test
  void theReadmeMetricsExampleWorks() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    VirtualScheduler scheduler = env.clock();
    FakeFleet myDriver = env.fleet();
    FakeFleet myHealthSignal = myDriver;
    FakeFleet myImageCatalog = myDriver;
    ScaleSet set = env.scaleSet();
    MeterRegistry registry = new SimpleMeterRegistry();

    UpgradeMetrics metrics = UpgradeMetrics.builder(registry)            // your MeterRegistry
        .tag("service", "fleet-manager")                                // common tags, optional
        .build();
    RollingUpgrade.of(set).driver(myDriver).health(myHealthSignal).scheduler(scheduler)
        .listener(metrics).start();
    AutomaticOsUpgrades.builder(myImageCatalog)                         // the service's runs and events
        .rollouts(ImageRollout.builder().driver(myDriver).health(myHealthSignal).scheduler(scheduler)
            .listener(metrics))
        .build();

    scheduler.runUntilIdle();
    assertThat(registry.get(UpgradeMetrics.RUNS_ENDED).tags("service", "fleet-manager", "outcome", "COMPLETED",
        "error.code", "none").counter().count()).isEqualTo(1);
    assertThat(registry.get(UpgradeMetrics.INSTANCES_UPGRADED).counter().count()).isEqualTo(10);
  }
}
