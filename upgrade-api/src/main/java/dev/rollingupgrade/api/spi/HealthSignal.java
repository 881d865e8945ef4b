package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.HealthState;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Health of instances: an application health probe, the application health extension, or by
 * default "running and every extension provisioned". Implementations may push changes through
 * {@link #subscribe} so the SDK need not poll. Must be thread-safe.
 */
public interface HealthSignal {
  /** The instance's health now; an exceptional stage counts as {@link HealthState#UNKNOWN}. */
  CompletionStage<HealthState> health(String scaleSetName, String instanceId);

  /**
   * Pushes health changes of a scale set's instances to {@code listener}. The default pushes
   * nothing and returns empty, and the SDK polls {@link #health} instead.
   *
   * @return a handle ending the subscription, or empty if this signal cannot push
   */
  default Optional<Cancellable> subscribe(String scaleSetName, HealthListener listener) {
    return Optional.empty();
  }
}
