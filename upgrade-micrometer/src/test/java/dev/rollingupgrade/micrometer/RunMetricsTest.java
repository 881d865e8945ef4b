package dev.rollingupgrade.micrometer;

import static dev.rollingupgrade.micrometer.UpgradeMetrics.BATCH_DURATION;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.ERROR_CODE;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.HEALTH_WAIT;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_FAILED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_IN_FLIGHT;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_ROLLBACK_FAILED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_ROLLED_BACK;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_UPGRADED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.OUTCOME;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.RUNS_ENDED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.RUNS_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real runs on the testkit's fake fleet, in virtual time, measured into a {@link SimpleMeterRegistry}. */
class RunMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final UpgradeMetrics metrics = UpgradeMetrics.of(registry);
  final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();

  RollingUpgradeRun start(RolloutTestEnvironment env, RollingUpgradePolicy policy) {
    return env.start(env.scaleSet(policy), u -> u.startedBy(UpgradeOperationInvoker.PLATFORM).listener(metrics)
        .listener(events::add));
  }

  double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  double inFlight() {
    return registry.get(INSTANCES_IN_FLIGHT).gauge().value();
  }

  @Test
  void aRunWithAFailureAndARollbackIsCountedAndItsDurationsAreVirtual() {
    // the quickstart's fleet: 20 instances in 2 zones x 5 update domains, the fake's 60 s upgrades and 30 s to healthy
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(20).zones(2).updateDomains(5).build();
    env.fleet().instance("13").neverBecomesHealthy();
    RollingUpgradeRun run = start(env, RollingUpgradePolicy.defaults());
    env.runUntilDone();
    env.assertThat(run).isCompleted().hasRolledBack("13");

    assertThat(count(RUNS_STARTED)).isEqualTo(1);
    assertThat(count(RUNS_ENDED, OUTCOME, "COMPLETED", ERROR_CODE, "none")).isEqualTo(1);
    assertThat(count(INSTANCES_UPGRADED)).isEqualTo(19);
    assertThat(count(INSTANCES_FAILED, ERROR_CODE, "HealthTimeout")).isEqualTo(1);
    assertThat(count(INSTANCES_ROLLED_BACK)).isEqualTo(1);
    assertThat(count(INSTANCES_ROLLBACK_FAILED)).isZero();
    assertThat(inFlight()).isZero();

    // each healthy instance waited exactly the fake's 30 s; the failed one its whole 5 minute health timeout
    Timer healthy = registry.get(HEALTH_WAIT).tags(OUTCOME, "HEALTHY").timer();
    assertThat(healthy.count()).isEqualTo(19);
    assertThat(healthy.totalTime(TimeUnit.SECONDS)).isEqualTo(19 * 30.0);
    assertThat(healthy.max(TimeUnit.SECONDS)).isEqualTo(30.0);
    Timer failed = registry.get(HEALTH_WAIT).tags(OUTCOME, "FAILED").timer();
    assertThat(failed.count()).isEqualTo(1);
    assertThat(failed.totalTime(TimeUnit.MINUTES)).isEqualTo(5.0);

    // one sample per batch, each as long as the batch's events say: virtual time, not the milliseconds the test took
    List<UpgradeEvent> starts = events.stream().filter(e -> e.type() == UpgradeEventType.BATCH_STARTED).toList();
    List<UpgradeEvent> ends = events.stream().filter(e -> e.type() == UpgradeEventType.BATCH_FINISHED).toList();
    Duration batches = Duration.ZERO;
    for (int i = 0; i < starts.size(); i++) {
      batches = batches.plus(Duration.between(starts.get(i).time(), ends.get(i).time()));
    }
    Timer batch = registry.get(BATCH_DURATION).timer();
    assertThat(batch.count()).isEqualTo(starts.size()).isEqualTo(10);
    assertThat(batch.totalTime(TimeUnit.SECONDS)).isEqualTo(batches.toSeconds());
    assertThat(batch.max(TimeUnit.SECONDS)).isEqualTo(Duration.ofMinutes(1 + 5 + 1).toSeconds()); // upgrade, timeout, rollback
  }

  @Test
  void theGaugeShowsTheBatchInFlightAndNothingBetweenBatches() {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(20).zones(2).updateDomains(5).build();
    RollingUpgradeRun run = start(env, RollingUpgradePolicy.builder()
        .pauseTimeBetweenBatches(Duration.ofMinutes(10)).build());
    assertThat(inFlight()).isZero();

    env.advance(Duration.ofSeconds(70)); // the first batch's upgrades returned, their health waits run
    UpgradeEvent first = events.stream().filter(e -> e.type() == UpgradeEventType.BATCH_STARTED).findFirst()
        .orElseThrow();
    assertThat(inFlight()).isEqualTo(first.instanceIds().size()).isPositive();

    env.advance(Duration.ofMinutes(5)); // healthy after 90 s; now in the pause before batch 2
    assertThat(inFlight()).isZero();
    assertThat(count(INSTANCES_UPGRADED)).isEqualTo(first.instanceIds().size());

    env.runUntilDone();
    env.assertThat(run).isCompleted();
    assertThat(inFlight()).isZero();
    assertThat(count(INSTANCES_UPGRADED)).isEqualTo(20);
  }

  @Test
  void aRunStoppedByTheUpgradedInstancesThresholdEndsFaultedWithItsCode() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create(); // 10 instances: batches of 2
    env.fleet().instance("0").failsUpgrade();
    env.fleet().instance("5").neverBecomesHealthy().failsRollback();
    RollingUpgradeRun run = start(env, RollingUpgradePolicy.defaults()); // batch 1 is {0, 5}: 2 of 2 failed
    env.runUntilDone();
    env.assertThat(run).isFaultedWith("MaxUnhealthyUpgradedInstancePercentExceededInRollingUpgrade");

    assertThat(count(RUNS_ENDED, OUTCOME, "FAULTED", ERROR_CODE,
        "MaxUnhealthyUpgradedInstancePercentExceededInRollingUpgrade")).isEqualTo(1);
    assertThat(registry.find(RUNS_ENDED).tags(OUTCOME, "COMPLETED").counter()).isNull();
    assertThat(count(INSTANCES_FAILED, ERROR_CODE, "UpgradeFailed")).isEqualTo(1);
    assertThat(count(INSTANCES_FAILED, ERROR_CODE, "HealthTimeout")).isEqualTo(1);
    assertThat(count(INSTANCES_ROLLBACK_FAILED)).isEqualTo(1);
    assertThat(count(INSTANCES_ROLLED_BACK)).isZero(); // instance 0's upgrade never landed: nothing to undo
    // only the instance whose upgrade call returned waited for health
    assertThat(registry.get(HEALTH_WAIT).tags(OUTCOME, "FAILED").timer().count()).isEqualTo(1);
    assertThat(inFlight()).isZero();
  }

  @Test
  void aCancelledRunEndsCancelledWithoutAnErrorCode() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    RollingUpgradeRun run = start(env, RollingUpgradePolicy.defaults());
    env.advance(Duration.ofSeconds(30)); // batch 1 in flight
    assertThat(inFlight()).isEqualTo(2);
    run.cancel();
    env.runUntilDone();
    env.assertThat(run).isCancelled();

    assertThat(count(RUNS_ENDED, OUTCOME, "CANCELLED", ERROR_CODE, "none")).isEqualTo(1);
    assertThat(count(INSTANCES_UPGRADED)).isEqualTo(2); // the batch in flight finished
    assertThat(registry.get(BATCH_DURATION).timer().count()).isEqualTo(1);
    assertThat(inFlight()).isZero();
  }

  @Test
  void aRunRefusedByItsPrecheckEndsFaultedWithItsCodeBeforeAnyBatch() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    for (String id : List.of("1", "2", "3")) {
      env.fleet().instance(id).startsUnhealthy(); // 30 % > 20 %
    }
    RollingUpgradeRun run = start(env, RollingUpgradePolicy.defaults());
    env.runUntilDone();
    env.assertThat(run).isFaultedWith("MaxUnhealthyInstancePercentExceededBeforeRollingUpgrade");

    assertThat(count(RUNS_STARTED)).isEqualTo(1); // it listed its instances and made its plan; the gate stopped it
    assertThat(count(RUNS_ENDED, OUTCOME, "FAULTED", ERROR_CODE,
        "MaxUnhealthyInstancePercentExceededBeforeRollingUpgrade")).isEqualTo(1);
    assertThat(registry.get(BATCH_DURATION).timer().count()).isZero();
  }

  @Test
  void aRunStoppedByItsPreflightEndsFaultedWithoutHavingStarted() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    RollingUpgradeRun run = env.start(env.scaleSet(), u -> u.listener(metrics).preflight(model -> CompletableFuture
        .completedFuture(List.of(new ExternalResourceCheck.Problem("properties.settings.fileUris[0]",
            "SAS token expired")))));
    env.runUntilDone();
    env.assertThat(run).isFaultedWith("ExternalResourcesUnavailable");

    assertThat(count(RUNS_STARTED)).isZero();
    assertThat(count(RUNS_ENDED, OUTCOME, "FAULTED", ERROR_CODE, "ExternalResourcesUnavailable")).isEqualTo(1);
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags())
        .noneMatch(t -> t.getValue().contains("SAS") || t.getValue().contains("fileUris"))); // no message in a tag
  }

  @Test
  void theMetersExistAtZeroBeforeAnyEvent() {
    assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains(RUNS_STARTED,
        UpgradeMetrics.RUNS_RESUMED, INSTANCES_UPGRADED, INSTANCES_ROLLED_BACK, INSTANCES_ROLLBACK_FAILED,
        INSTANCES_IN_FLIGHT, BATCH_DURATION);
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.measure())
        .allSatisfy(measurement -> assertThat(measurement.getValue()).isZero()));
    assertThat(registry.getMeters()).extracting(Meter::getId).allSatisfy(id -> assertThat(id.getTags()).isEmpty());
  }
}
