package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import java.time.Duration;
import org.immutables.value.Value;

/**
 * The rules of a rolling upgrade (Azure {@code upgradePolicy.rollingUpgradePolicy}), with
 * Azure's ranges and defaults, plus two SDK additions: {@link #healthTimeout()} and
 * {@link #respectUpdateDomains()}. Immutable and thread-safe.
 */
@Value.Immutable
public interface RollingUpgradePolicy {
  /** Longest health wait the SDK accepts. */
  Duration MAX_HEALTH_TIMEOUT = Duration.ofHours(24);

  /** Longest pause between batches the SDK accepts: a day, so a run's timings never overflow. */
  Duration MAX_PAUSE_TIME_BETWEEN_BATCHES = Duration.ofHours(24);

  /** A builder with every field at its default. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RollingUpgradePolicy}; its checks run in {@code build()}. */
  final class Builder extends ImmutableRollingUpgradePolicy.Builder {
    Builder() {}
  }

  /** The policy with every field at its Azure (or SDK) default. */
  static RollingUpgradePolicy defaults() {
    return builder().build();
  }

  /** Largest batch, as a percentage of the instances in the set: 5..100, default 20. */
  @Value.Default
  default int maxBatchInstancePercent() {
    return 20;
  }

  /** Most instances allowed unhealthy at any time, in percent: 5..100, default 20. */
  @Value.Default
  default int maxUnhealthyInstancePercent() {
    return 20;
  }

  /** Most upgraded instances allowed unhealthy, in percent: 0..100, default 20. */
  @Value.Default
  default int maxUnhealthyUpgradedInstancePercent() {
    return 20;
  }

  /** Wait between batches, ISO-8601, from zero to {@code PT24H}; default {@code PT0S}. */
  @Value.Default
  default Duration pauseTimeBetweenBatches() {
    return Duration.ZERO;
  }

  /** Whether a batch may hold instances of several zones; default false (zone after zone). */
  @Value.Default
  default boolean enableCrossZoneUpgrade() {
    return false;
  }

  /** Whether unhealthy instances are upgraded first within their group; default false. */
  @Value.Default
  default boolean prioritizeUnhealthyInstances() {
    return false;
  }

  /** Whether failed instances are rolled back when the run stops on a breach; default false. */
  @Value.Default
  default boolean rollbackFailedInstancesOnPolicyBreach() {
    return false;
  }

  /**
   * Azure's surge upgrade (new instances before old ones go). Not supported yet: only
   * {@code false} is accepted, so a model asking for it fails loudly instead of being ignored.
   */
  @Value.Default
  default boolean maxSurge() {
    return false;
  }

  /**
   * SDK addition: how long an upgraded instance has to report healthy, from the completion of
   * its upgrade call; more than zero, at most 24 h; default {@code PT5M}.
   */
  @Value.Default
  default Duration healthTimeout() {
    return Duration.ofMinutes(5);
  }

  /** SDK addition: whether a batch may never span two update domains; default true. */
  @Value.Default
  default boolean respectUpdateDomains() {
    return true;
  }

  /** Checks every field against its allowed range. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("RollingUpgradePolicy");
    v.range("maxBatchInstancePercent", maxBatchInstancePercent(), 5, 100);
    v.range("maxUnhealthyInstancePercent", maxUnhealthyInstancePercent(), 5, 100);
    v.range("maxUnhealthyUpgradedInstancePercent", maxUnhealthyUpgradedInstancePercent(), 0, 100);
    if (pauseTimeBetweenBatches().isNegative()
        || pauseTimeBetweenBatches().compareTo(MAX_PAUSE_TIME_BETWEEN_BATCHES) > 0) {
      v.add("pauseTimeBetweenBatches", pauseTimeBetweenBatches(),
          "must be an ISO-8601 duration from PT0S to PT24H, such as PT0S or PT30S");
    }
    if (maxSurge()) {
      v.add("maxSurge", true, "surge upgrades are not supported yet; omit maxSurge or set it to false");
    }
    if (healthTimeout().isNegative() || healthTimeout().isZero()
        || healthTimeout().compareTo(MAX_HEALTH_TIMEOUT) > 0) {
      v.add("healthTimeout", healthTimeout(),
          "must be an ISO-8601 duration more than PT0S and at most PT24H, such as PT5M");
    }
    v.throwIfAny();
  }
}
