package dev.rollingupgrade.api.status;

import dev.rollingupgrade.api.validation.Violations;
import java.util.Optional;
import org.immutables.value.Value;

/** Outcome of rollbacks in a run (Azure {@code rollbackInfo}). Immutable and thread-safe. */
@Value.Immutable
public interface RollbackInfo {
  /** A builder; counts default to 0. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RollbackInfo}; its checks run in {@code build()}. */
  final class Builder extends ImmutableRollbackInfo.Builder {
    Builder() {}
  }

  /** Instances whose previous OS disk was restored. */
  @Value.Default
  default int successfullyRolledbackInstanceCount() {
    return 0;
  }

  /** Instances whose restore failed. */
  @Value.Default
  default int failedRolledbackInstanceCount() {
    return 0;
  }

  /** Why restores failed, if any did. */
  Optional<ApiError> rollbackError();

  /** Counts are never negative. */
  @Value.Check
  default void check() {
    Violations.of("RollbackInfo")
        .range("successfullyRolledbackInstanceCount", successfullyRolledbackInstanceCount(), 0, Integer.MAX_VALUE)
        .range("failedRolledbackInstanceCount", failedRolledbackInstanceCount(), 0, Integer.MAX_VALUE)
        .throwIfAny();
  }
}
