package dev.rollingupgrade.api.status;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.validation.Violations;
import org.immutables.value.Value;

/**
 * What an extension run changes: which extension of the model, the version it installs, and the
 * version a failed instance gets back. Never holds settings (they may be secret). Immutable and
 * thread-safe.
 */
@Value.Immutable
public interface TargetExtension {
  /** The target of upgrading {@code extension} (the model's, at its {@code typeHandlerVersion}) to {@code version}. */
  static TargetExtension of(Extension extension, String version) {
    return builder().name(extension.name()).publisher(extension.publisher())
        .type(extension.type()).version(version).previousVersion(extension.typeHandlerVersion()).build();
  }

  /** A builder; every field is required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TargetExtension}; its checks run in {@code build()}. */
  final class Builder extends ImmutableTargetExtension.Builder {
    Builder() {}
  }

  /** The extension's name in the model. */
  String name();

  /** Its publisher. */
  String publisher();

  /** Its type. */
  String type();

  /** The version installed. */
  String version();

  /** The version reinstalled on an instance that is not healthy in time. */
  String previousVersion();

  /** Every field is non-blank. */
  @Value.Check
  default void check() {
    Violations.of("TargetExtension").notBlank("name", name()).notBlank("publisher", publisher())
        .notBlank("type", type()).notBlank("version", version()).notBlank("previousVersion", previousVersion())
        .throwIfAny();
  }
}
