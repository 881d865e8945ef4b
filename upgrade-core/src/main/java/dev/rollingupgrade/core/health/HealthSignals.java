package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Scheduler;
import java.util.Objects;

/**
 * The health signal a scale set's model calls for, with no code: its application health
 * extension's probes ({@link ApplicationHealthSignal}, from the extension's {@code settings}) when
 * it has one, else the platform's default rule ({@link PlatformHealthSignal}). A load balancer
 * health probe lives outside the model (in the load balancer), so a set that names one gets the
 * default rule here: give the run a signal of your own that reads the probe.
 */
public final class HealthSignals {
  private HealthSignals() {}

  /**
   * The signal for {@code scaleSet}. An {@link ApplicationHealthSignal} probes until closed: close
   * it when the runs are done ({@code if (signal instanceof AutoCloseable c) c.close()}), and give
   * the runs {@link ApplicationHealthSignal#tracking} of the driver.
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if the extension's settings are invalid
   * @throws NullPointerException if an argument is null
   */
  public static HealthSignal forScaleSet(ScaleSet scaleSet, InstanceDriver driver, Scheduler scheduler,
      InstanceAddressResolver resolver) {
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(resolver, "resolver");
    return ApplicationHealthSettings.of(scaleSet)
        .<HealthSignal>map(s -> ApplicationHealthSignal.builder(s).resolver(resolver).scheduler(scheduler).build())
        .orElseGet(() -> PlatformHealthSignal.of(driver));
  }
}
