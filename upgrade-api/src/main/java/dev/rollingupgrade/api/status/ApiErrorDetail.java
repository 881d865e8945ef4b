package dev.rollingupgrade.api.status;

import java.util.Optional;
import org.immutables.value.Value;

/** One detail of an {@link ApiError}, e.g. one unhealthy instance. Immutable and thread-safe. */
@Value.Immutable
public interface ApiErrorDetail {
  /** A builder; every field is optional. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ApiErrorDetail}; its checks run in {@code build()}. */
  final class Builder extends ImmutableApiErrorDetail.Builder {
    Builder() {}
  }

  /** A detail with code, target and message. */
  static ApiErrorDetail of(String code, String target, String message) {
    return builder().code(code).target(target).message(message).build();
  }

  /** Machine-readable code. */
  Optional<String> code();

  /** What the detail is about, e.g. an instance id. */
  Optional<String> target();

  /** Human-readable message. */
  Optional<String> message();
}
