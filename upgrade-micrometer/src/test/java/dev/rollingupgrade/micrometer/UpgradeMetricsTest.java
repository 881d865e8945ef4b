package dev.rollingupgrade.micrometer;

import static dev.rollingupgrade.micrometer.UpgradeMetrics.BATCH_DURATION;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.ERROR_CODE;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.HEALTH_WAIT;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_FAILED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_IN_FLIGHT;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_UPGRADED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.OUTCOME;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.RUNS_ENDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The listener on its own, fed events made by hand: what each one does to the meters. */
class UpgradeMetricsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final UpgradeMetrics metrics = UpgradeMetrics.of(registry);

  static UpgradeEvent event(UpgradeEventType type, String runId, Duration at, String... ids) {
    return UpgradeEvent.builder().type(type).time(T0.plus(at)).scaleSetName("vmss").runId(runId).batch(1)
        .addInstanceIds(ids).build();
  }

  static UpgradeEvent finished(String runId, String code) {
    var b = UpgradeEvent.builder().type(UpgradeEventType.RUN_FINISHED).time(T0).scaleSetName("vmss").runId(runId);
    if (code != null) {
      b.code(code);
    }
    return b.message("how it ended").build();
  }

  double ended(String outcome, String code) {
    var counter = registry.find(RUNS_ENDED).tags(OUTCOME, outcome, ERROR_CODE, code).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void durationsAreTheDifferencesOfTheEventsTimestamps() {
    metrics.onEvent(event(UpgradeEventType.BATCH_STARTED, "r", Duration.ZERO, "1"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, "1"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED, "r", Duration.ofMinutes(1), "1"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTHY, "r", Duration.ofMinutes(4), "1"));
    metrics.onEvent(event(UpgradeEventType.BATCH_FINISHED, "r", Duration.ofHours(2), "1"));

    assertThat(registry.get(HEALTH_WAIT).tags(OUTCOME, "HEALTHY").timer().totalTime(TimeUnit.MINUTES)).isEqualTo(3.0);
    assertThat(registry.get(BATCH_DURATION).timer().totalTime(TimeUnit.HOURS)).isEqualTo(2.0);
  }

  @Test
  void anEndSeenBeforeItsStartIsNotTimed() {
    metrics.onEvent(event(UpgradeEventType.BATCH_FINISHED, "r", Duration.ofMinutes(5), "1"));
    metrics.onEvent(event(UpgradeEventType.BATCH_STARTED, "r", Duration.ZERO, "1"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED, "r", Duration.ofMinutes(2), "1"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTHY, "r", Duration.ofMinutes(1), "1")); // out of order

    assertThat(registry.get(BATCH_DURATION).timer().count()).isZero();
    assertThat(registry.get(HEALTH_WAIT).tags(OUTCOME, "HEALTHY").timer().count()).isZero();
    assertThat(registry.get(INSTANCES_UPGRADED).counter().count()).isEqualTo(1);
  }

  @Test
  void theOutcomeOfARunComesFromItsCode() {
    metrics.onEvent(finished("a", "Completed"));
    metrics.onEvent(finished("b", "Cancelled"));
    metrics.onEvent(finished("c", "MaxUnhealthyInstancePercentExceededInRollingUpgrade"));
    metrics.onEvent(finished("d", "Faulted"));
    metrics.onEvent(finished("e", null));

    assertThat(ended("COMPLETED", "none")).isEqualTo(1);
    assertThat(ended("CANCELLED", "none")).isEqualTo(1);
    assertThat(ended("FAULTED", "MaxUnhealthyInstancePercentExceededInRollingUpgrade")).isEqualTo(1);
    assertThat(ended("FAULTED", "none")).isEqualTo(1);
    assertThat(ended("UNKNOWN", "none")).isEqualTo(1);
  }

  @Test
  void noMessageOrInstanceIdAndNoOddCodeReachesATag() {
    metrics.onEvent(UpgradeEvent.builder().type(UpgradeEventType.INSTANCE_FAILED).time(T0).scaleSetName("vmss")
        .runId("r").addInstanceIds("vm-7").code("UpgradeFailed").message("password=hunter2 was refused").build());
    metrics.onEvent(UpgradeEvent.builder().type(UpgradeEventType.INSTANCE_FAILED).time(T0).scaleSetName("vmss")
        .runId("r").addInstanceIds("vm-8").code("token hunter2 expired").build());

    assertThat(registry.get(INSTANCES_FAILED).tags(ERROR_CODE, "UpgradeFailed").counter().count()).isEqualTo(1);
    assertThat(registry.get(INSTANCES_FAILED).tags(ERROR_CODE, "other").counter().count()).isEqualTo(1);
    assertThat(registry.getMeters()).flatExtracting(m -> m.getId().getTags()).extracting(Tag::getValue)
        .noneMatch(v -> v.contains("hunter2") || v.contains("vm-"));
  }

  /** Review of issue 17: a second instance on one registry counted into a gauge nobody could see. */
  @Test
  void twoInstancesOnOneRegistryShareTheInFlightGauge() {
    UpgradeMetrics second = UpgradeMetrics.of(registry);
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, "1"));
    second.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "s", Duration.ZERO, "1", "2", "3"));
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(4);
    second.onEvent(finished("s", null));
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(1);
    // another registry has its own count
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    UpgradeMetrics.of(other).onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "t", Duration.ZERO, "9"));
    assertThat(other.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(1);
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(1);
  }

  /** Review of issue 17: an event after its run's end opened a track that never closed, and the gauge stuck. */
  @Test
  void aLateEventOfAnEndedRunLeavesNothingInFlight() {
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, "1"));
    metrics.onEvent(finished("r", null));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ofSeconds(1), "2"));
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isZero();
  }

  @Test
  void theEndOfARunTakesItsInstancesOutOfFlight() {
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, "1"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, "2"));
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, "2")); // counted once
    metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "other", Duration.ZERO, "1"));
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(3);

    metrics.onEvent(finished("r", "Faulted"));
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(1);
    metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTHY, "r", Duration.ZERO, "1")); // late: no effect on the gauge
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isEqualTo(1);
  }

  @Test
  void everyEventTypeIsTakenWithoutAThrow() {
    for (UpgradeEventType type : UpgradeEventType.values()) {
      assertThatNoException().as(type.name()).isThrownBy(() -> metrics.onEvent(UpgradeEvent.builder().type(type)
          .time(T0).scaleSetName("").runId("").build()));
    }
  }

  @Test
  void eventsFromManyThreadsAtOnceAreAllCounted() throws Exception {
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            String id = thread + "-" + i;
            metrics.onEvent(event(UpgradeEventType.INSTANCE_UPGRADE_STARTED, "r", Duration.ZERO, id));
            metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED, "r", Duration.ofSeconds(60), id));
            metrics.onEvent(event(UpgradeEventType.INSTANCE_HEALTHY, "r", Duration.ofSeconds(90), id));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(registry.get(INSTANCES_UPGRADED).counter().count()).isEqualTo(threads * perThread);
    assertThat(registry.get(HEALTH_WAIT).tags(OUTCOME, "HEALTHY").timer().count()).isEqualTo(threads * perThread);
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isZero();
  }

  @Test
  void theBuilderChecksItsArguments() {
    assertThatThrownBy(() -> UpgradeMetrics.of(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("registry");
    assertThatThrownBy(() -> UpgradeMetrics.builder(registry).tag("k", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> UpgradeMetrics.builder(registry).tags(null)).isInstanceOf(NullPointerException.class);
  }
}
