package dev.rollingupgrade.api.event;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.immutables.value.Value;

/**
 * One step of a run. Carries no secrets. Immutable and thread-safe.
 */
@Value.Immutable
public interface UpgradeEvent {
  /** A builder; type, time, scaleSetName and runId are required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UpgradeEvent}; its checks run in {@code build()}. */
  final class Builder extends ImmutableUpgradeEvent.Builder {
    Builder() {}
  }

  /** What happened. */
  UpgradeEventType type();

  /** When, on the run's scheduler clock. */
  Instant time();

  /** The scale set. */
  String scaleSetName();

  /** The run. */
  String runId();

  /** Batch number, from 1, for batch and instance events. */
  OptionalInt batch();

  /** The instances concerned (one for instance events, the batch for batch events). */
  List<String> instanceIds();

  /** Machine-readable code, e.g. the error code of a stop. */
  Optional<String> code();

  /** Human-readable explanation. */
  Optional<String> message();
}
