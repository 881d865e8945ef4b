package dev.rollingupgrade.api.status;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The latest rolling upgrade of a scale set, as Azure's {@code rollingUpgrades/latest} returns
 * it: the policy it runs under, its running status, progress and error. Immutable and
 * thread-safe.
 */
@Value.Immutable
public interface RollingUpgradeStatus {
  /** A builder; every field is optional. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RollingUpgradeStatus}; its checks run in {@code build()}. */
  final class Builder extends ImmutableRollingUpgradeStatus.Builder {
    Builder() {}
  }

  /** The rolling policy of the run. */
  Optional<RollingUpgradePolicy> policy();

  /** State and times. */
  Optional<RunningStatus> runningStatus();

  /** Instance counts. */
  Optional<RollingUpgradeProgress> progress();

  /** Why the run stopped, when it did not complete. */
  Optional<ApiError> error();
}
