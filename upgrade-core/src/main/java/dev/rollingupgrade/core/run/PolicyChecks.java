package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import java.util.Locale;
import java.util.Optional;

/**
 * The 20 % rules of DESIGN §5 as pure functions of counts: the gate before every batch and the
 * check of the upgraded instances after it. "More than" is strict: 20 of 100 at 20 % passes, 21
 * stops.
 */
final class PolicyChecks {
  private PolicyChecks() {}

  /**
   * The gate: stops the run when more than {@code maxPercent} % of the {@code total} instances are
   * unhealthy (initializing ones count, once they were waited for).
   *
   * @return the error code to stop with, or empty to go on
   */
  static Optional<String> gate(int unhealthy, int total, int maxPercent, boolean beforeFirstBatch) {
    if (!exceeds(unhealthy, total, maxPercent)) {
      return Optional.empty();
    }
    return Optional.of(beforeFirstBatch ? RollingUpgradeErrorCodes.UNHEALTHY_BEFORE
        : RollingUpgradeErrorCodes.UNHEALTHY_DURING);
  }

  /**
   * After a batch: stops the run when more than {@code maxPercent} % of the instances upgraded so
   * far failed or are no longer healthy.
   *
   * @return the error code to stop with, or empty to go on
   */
  static Optional<String> upgradedInstances(int bad, int upgraded, int maxPercent) {
    return exceeds(bad, upgraded, maxPercent) ? Optional.of(RollingUpgradeErrorCodes.UPGRADED_UNHEALTHY)
        : Optional.empty();
  }

  /** Strictly more than {@code percent} % of {@code total}. */
  static boolean exceeds(long count, long total, int percent) {
    return count * 100 > (long) percent * total;
  }

  /** {@code count} of {@code total} as a percentage for messages: {@code 21 %}, {@code 12.5 %}. */
  static String percent(long count, long total) {
    double p = total == 0 ? 0 : count * 100.0 / total;
    String text = String.format(Locale.ROOT, "%.1f", p);
    return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + " %";
  }
}
