package dev.rollingupgrade.api.status;

import dev.rollingupgrade.api.ImageReference;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One past run of a scale set, as Azure's {@code osUpgradeHistory} lists it (newest first): an
 * OS upgrade names its {@link #targetImageReference()}, an extension upgrade its
 * {@link #targetExtension()}. Immutable and thread-safe.
 */
@Value.Immutable
public interface UpgradeHistoryEntry {
  /** A builder; every field is optional. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UpgradeHistoryEntry}; its checks run in {@code build()}. */
  final class Builder extends ImmutableUpgradeHistoryEntry.Builder {
    Builder() {}
  }

  /** State and times, with {@code endTime}. */
  Optional<RunningStatus> runningStatus();

  /** Final instance counts. */
  Optional<RollingUpgradeProgress> progress();

  /** Why the run stopped, when it did not complete. */
  Optional<ApiError> error();

  /** Who started the run. */
  Optional<UpgradeOperationInvoker> startedBy();

  /** The image the run upgraded to (OS image runs). */
  Optional<ImageReference> targetImageReference();

  /** The extension and version the run installed (extension runs; an SDK addition). */
  Optional<TargetExtension> targetExtension();

  /** Rollback outcome. */
  Optional<RollbackInfo> rollbackInfo();

  /** Region of the scale set. */
  Optional<String> location();
}
