package dev.rollingupgrade.api.status;

import java.time.Instant;
import java.util.Optional;
import org.immutables.value.Value;

/** State and times of a run (Azure {@code runningStatus}). Immutable and thread-safe. */
@Value.Immutable
public interface RunningStatus {
  /** A builder; every field is optional. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RunningStatus}; its checks run in {@code build()}. */
  final class Builder extends ImmutableRunningStatus.Builder {
    Builder() {}
  }

  /** Current state. */
  Optional<RollingUpgradeStatusCode> code();

  /** When the run started. */
  Optional<Instant> startTime();

  /** Last action taken: start or cancel. */
  Optional<RollingUpgradeActionType> lastAction();

  /** When the last action was taken. */
  Optional<Instant> lastActionTime();

  /** When the run ended (history entries). */
  Optional<Instant> endTime();
}
