package dev.rollingupgrade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.time.Duration;
import java.util.function.BiFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RollingUpgradePolicyRangesTest {

  @Test
  void defaultsAreAzures() {
    RollingUpgradePolicy p = RollingUpgradePolicy.defaults();
    assertThat(p.maxBatchInstancePercent()).isEqualTo(20);
    assertThat(p.maxUnhealthyInstancePercent()).isEqualTo(20);
    assertThat(p.maxUnhealthyUpgradedInstancePercent()).isEqualTo(20);
    assertThat(p.pauseTimeBetweenBatches()).isEqualTo(Duration.ZERO);
    assertThat(p.enableCrossZoneUpgrade()).isFalse();
    assertThat(p.prioritizeUnhealthyInstances()).isFalse();
    assertThat(p.rollbackFailedInstancesOnPolicyBreach()).isFalse();
    assertThat(p.maxSurge()).isFalse();
    assertThat(p.healthTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.respectUpdateDomains()).isTrue();
  }

  @Test
  void boundariesAreAccepted() {
    RollingUpgradePolicy low = RollingUpgradePolicy.builder().maxBatchInstancePercent(5)
        .maxUnhealthyInstancePercent(5).maxUnhealthyUpgradedInstancePercent(0).build();
    RollingUpgradePolicy high = RollingUpgradePolicy.builder().maxBatchInstancePercent(100)
        .maxUnhealthyInstancePercent(100).maxUnhealthyUpgradedInstancePercent(100)
        .healthTimeout(Duration.ofHours(24)).build();
    assertThat(low.maxUnhealthyUpgradedInstancePercent()).isZero();
    assertThat(high.healthTimeout()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void thePauseBetweenBatchesIsBoundedToADaySoARunsTimingsCannotOverflow() {
    assertThat(RollingUpgradePolicy.builder().pauseTimeBetweenBatches(Duration.ofHours(24)).build()
        .pauseTimeBetweenBatches()).isEqualTo(RollingUpgradePolicy.MAX_PAUSE_TIME_BETWEEN_BATCHES);
    // PT2562047788015215H validated once, then faulted the run with "long overflow" after batch 1
    for (Duration tooLong : new Duration[] {Duration.ofHours(24).plusSeconds(1), Duration.ofHours(2562047788015215L)}) {
      assertThatThrownBy(() -> RollingUpgradePolicy.builder().pauseTimeBetweenBatches(tooLong).build())
          .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations()).containsExactly(
              new Violation("pauseTimeBetweenBatches", tooLong.toString(),
                  "must be an ISO-8601 duration from PT0S to PT24H, such as PT0S or PT30S")));
    }
  }

  @Test
  void everyViolationIsReportedAtOnceWithPathValueAndRange() {
    assertThatThrownBy(() -> RollingUpgradePolicy.builder()
            .maxBatchInstancePercent(4)
            .maxUnhealthyInstancePercent(101)
            .maxUnhealthyUpgradedInstancePercent(-1)
            .pauseTimeBetweenBatches(Duration.ofSeconds(-1))
            .healthTimeout(Duration.ZERO)
            .maxSurge(true)
            .build())
        .isInstanceOfSatisfying(InvalidModelException.class, e -> {
          assertThat(e.violations()).extracting(Violation::path).containsExactly(
              "maxBatchInstancePercent", "maxUnhealthyInstancePercent",
              "maxUnhealthyUpgradedInstancePercent", "pauseTimeBetweenBatches", "maxSurge",
              "healthTimeout");
          assertThat(e.violations().get(0).value()).isEqualTo("4");
          assertThat(e.violations().get(0).message()).isEqualTo("must be between 5 and 100");
          assertThat(e.violations().get(2).message()).isEqualTo("must be between 0 and 100");
          assertThat(e.getMessage()).startsWith("Invalid RollingUpgradePolicy: 6 problems");
        });
  }

  @Property
  void anOutOfRangeBatchPercentIsNamed(@ForAll @IntRange(min = -1000, max = 1000) int percent) {
    assertRejectedOutsideRange(percent, 5, 100, "maxBatchInstancePercent",
        (b, v) -> b.maxBatchInstancePercent(v));
  }

  @Property
  void anOutOfRangeUnhealthyPercentIsNamed(@ForAll @IntRange(min = -1000, max = 1000) int percent) {
    assertRejectedOutsideRange(percent, 5, 100, "maxUnhealthyInstancePercent",
        (b, v) -> b.maxUnhealthyInstancePercent(v));
  }

  @Property
  void anOutOfRangeUnhealthyUpgradedPercentIsNamed(@ForAll @IntRange(min = -1000, max = 1000) int percent) {
    assertRejectedOutsideRange(percent, 0, 100, "maxUnhealthyUpgradedInstancePercent",
        (b, v) -> b.maxUnhealthyUpgradedInstancePercent(v));
  }

  private static void assertRejectedOutsideRange(int value, int min, int max, String path,
      BiFunction<RollingUpgradePolicy.Builder, Integer, RollingUpgradePolicy.Builder> set) {
    RollingUpgradePolicy.Builder builder = set.apply(RollingUpgradePolicy.builder(), value);
    if (value >= min && value <= max) {
      assertThat(builder.build()).isNotNull();
    } else {
      assertThatThrownBy(builder::build).isInstanceOfSatisfying(InvalidModelException.class, e ->
          assertThat(e.violations()).containsExactly(
              new Violation(path, String.valueOf(value), "must be between " + min + " and " + max)));
    }
  }
}
