package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.core.plan.BatchPlanner;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The 20 % rules as tables, at their boundaries (DESIGN §4, §5). */
class PolicyChecksTableTest {
  @ParameterizedTest(name = "{0} of {1} unhealthy at {2} % -> {3}")
  @CsvSource({
      "20, 100, 20, go",
      "21, 100, 20, stop",
      "0, 100, 20, go",
      "1, 5, 20, go",
      "2, 5, 20, stop",
      "1, 4, 20, stop",
      "0, 0, 20, go",
      "100, 100, 100, go",
      "5, 100, 5, go",
      "6, 100, 5, stop"})
  void theGateStopsOnlyAboveThePercentage(int unhealthy, int total, int percent, String verdict) {
    Optional<String> before = PolicyChecks.gate(unhealthy, total, percent, true);
    Optional<String> during = PolicyChecks.gate(unhealthy, total, percent, false);
    if (verdict.equals("go")) {
      assertThat(before).isEmpty();
      assertThat(during).isEmpty();
    } else {
      assertThat(before).contains(RollingUpgradeErrorCodes.UNHEALTHY_BEFORE);
      assertThat(during).contains(RollingUpgradeErrorCodes.UNHEALTHY_DURING);
    }
  }

  @ParameterizedTest(name = "{0} of {1} upgraded bad at {2} % -> {3}")
  @CsvSource({
      "0, 10, 0, go",
      "1, 100, 0, stop",
      "20, 100, 20, go",
      "21, 100, 20, stop",
      "1, 5, 20, go",
      "2, 5, 20, stop",
      "0, 0, 0, go",
      "3, 3, 100, go"})
  void theUpgradedCheckStopsOnlyAboveThePercentage(int bad, int upgraded, int percent, String verdict) {
    assertThat(PolicyChecks.upgradedInstances(bad, upgraded, percent)).isEqualTo(verdict.equals("go")
        ? Optional.empty() : Optional.of(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY));
  }

  @ParameterizedTest(name = "N = {0} at {1} % -> batches of {2}")
  @CsvSource({"1, 20, 1", "4, 20, 1", "5, 20, 1", "9, 20, 1", "10, 20, 2", "100, 20, 20", "101, 20, 20", "3, 100, 3"})
  void theBatchCapIsAtLeastOneAndFloorsThePercentage(int n, int percent, int cap) {
    assertThat(BatchPlanner.batchCap(n, RollingUpgradePolicy.builder().maxBatchInstancePercent(percent).build()))
        .isEqualTo(cap);
  }

  @ParameterizedTest(name = "{0} of {1} -> {2}")
  @CsvSource({"21, 100, 21 %", "1, 8, 12.5 %", "0, 0, 0 %"})
  void messagesShowThePercentage(int count, int total, String text) {
    assertThat(PolicyChecks.percent(count, total)).isEqualTo(text);
  }
}
