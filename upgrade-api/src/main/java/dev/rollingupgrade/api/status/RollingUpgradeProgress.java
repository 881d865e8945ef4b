package dev.rollingupgrade.api.status;

import dev.rollingupgrade.api.validation.Violations;
import org.immutables.value.Value;

/**
 * Instance counts of a run (Azure {@code progress}). In a run's status they always sum to the
 * number of candidate instances. Immutable and thread-safe.
 */
@Value.Immutable
public interface RollingUpgradeProgress {
  /** A builder; every count defaults to 0. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RollingUpgradeProgress}; its checks run in {@code build()}. */
  final class Builder extends ImmutableRollingUpgradeProgress.Builder {
    Builder() {}
  }

  /** Upgraded and healthy. */
  @Value.Default
  default int successfulInstanceCount() {
    return 0;
  }

  /** Failed (upgrade error or no health in time). */
  @Value.Default
  default int failedInstanceCount() {
    return 0;
  }

  /** Being upgraded or health-waited. */
  @Value.Default
  default int inProgressInstanceCount() {
    return 0;
  }

  /** Not started yet. */
  @Value.Default
  default int pendingInstanceCount() {
    return 0;
  }

  /** Sum of the four counts. */
  default int total() {
    return successfulInstanceCount() + failedInstanceCount() + inProgressInstanceCount()
        + pendingInstanceCount();
  }

  /** Counts are never negative. */
  @Value.Check
  default void check() {
    Violations.of("RollingUpgradeProgress")
        .range("successfulInstanceCount", successfulInstanceCount(), 0, Integer.MAX_VALUE)
        .range("failedInstanceCount", failedInstanceCount(), 0, Integer.MAX_VALUE)
        .range("inProgressInstanceCount", inProgressInstanceCount(), 0, Integer.MAX_VALUE)
        .range("pendingInstanceCount", pendingInstanceCount(), 0, Integer.MAX_VALUE)
        .throwIfAny();
  }
}
