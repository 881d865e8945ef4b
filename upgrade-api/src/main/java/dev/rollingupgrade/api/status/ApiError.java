package dev.rollingupgrade.api.status;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * Why a run stopped or a rollback failed (Azure {@code ApiError}): a machine-readable code such
 * as {@code MaxUnhealthyInstancePercentExceededBeforeRollingUpgrade}, a message naming the
 * instances and numbers that caused it, and one detail per instance. Immutable and thread-safe.
 */
@Value.Immutable
public interface ApiError {
  /** A builder; every field is optional. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ApiError}; its checks run in {@code build()}. */
  final class Builder extends ImmutableApiError.Builder {
    Builder() {}
  }

  /** Machine-readable code. */
  Optional<String> code();

  /** What the error is about. */
  Optional<String> target();

  /** Human-readable message. */
  Optional<String> message();

  /** Details, e.g. one per unhealthy instance. */
  List<ApiErrorDetail> details();
}
