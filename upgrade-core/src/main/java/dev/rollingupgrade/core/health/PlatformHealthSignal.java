package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The platform's default health when a scale set has neither a health probe nor the application
 * health extension: an instance is healthy iff its power state is running and it provisioned
 * successfully — Azure reports a VM whose extensions did not all provision as failed, so a
 * succeeded provisioning state means every extension succeeded. A state the driver does not report
 * ({@code UNKNOWN} power or provisioning state) is {@code UNKNOWN}; anything else is unhealthy.
 * Reads {@link InstanceDriver#getInstance} at every question (it cannot push). Thread-safe.
 */
public final class PlatformHealthSignal implements HealthSignal {
  private final InstanceDriver driver;

  private PlatformHealthSignal(InstanceDriver driver) {
    this.driver = driver;
  }

  /**
   * The default rule over what {@code driver} reports.
   *
   * @throws NullPointerException if {@code driver} is null
   */
  public static PlatformHealthSignal of(InstanceDriver driver) {
    return new PlatformHealthSignal(Objects.requireNonNull(driver, "driver"));
  }

  /** The default rule for one instance as the driver reports it. */
  public static HealthState healthOf(Instance instance) {
    if (instance.powerState() == PowerState.UNKNOWN || instance.provisioningState() == ProvisioningState.UNKNOWN) {
      return HealthState.UNKNOWN;
    }
    return instance.powerState() == PowerState.RUNNING && instance.provisioningState() == ProvisioningState.SUCCEEDED
        ? HealthState.HEALTHY : HealthState.UNHEALTHY;
  }

  /** The rule applied to {@link InstanceDriver#getInstance}; the driver's failure is this stage's. */
  @Override
  public CompletionStage<HealthState> health(String scaleSetName, String instanceId) {
    CompletionStage<Instance> read;
    try {
      read = driver.getInstance(scaleSetName, instanceId);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (read == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the driver's getInstance returned no stage"));
    }
    return read.thenApply(PlatformHealthSignal::healthOf);
  }
}
