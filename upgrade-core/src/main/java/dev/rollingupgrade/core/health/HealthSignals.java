package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Scheduler;
import java.net.http.HttpClient;
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
   * The signal for {@code scaleSet} and the driver to run with it, so that a run never reads an
   * instance's health from before its upgrade:
   *
   * <pre>{@code
   * try (ScaleSetHealth h = HealthSignals.forScaleSet(scaleSet, driver, scheduler, resolver)) {
   *   RollingUpgrade.of(scaleSet).driver(h.driver()).health(h.signal()).scheduler(scheduler).start()...;
   * }
   * }</pre>
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if the extension's settings are invalid
   * @throws NullPointerException if an argument is null
   */
  public static ScaleSetHealth forScaleSet(ScaleSet scaleSet, InstanceDriver driver, Scheduler scheduler,
      InstanceAddressResolver resolver) {
    return build(scaleSet, driver, scheduler, resolver, null);
  }

  /**
   * Like {@link #forScaleSet(ScaleSet, InstanceDriver, Scheduler, InstanceAddressResolver)}, HTTP(S)
   * probes going through {@code httpClient} (e.g. one whose {@code SSLContext} trusts your
   * instances' self-signed certificates; it stays yours).
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if the extension's settings are invalid
   * @throws NullPointerException if an argument is null
   */
  public static ScaleSetHealth forScaleSet(ScaleSet scaleSet, InstanceDriver driver, Scheduler scheduler,
      InstanceAddressResolver resolver, HttpClient httpClient) {
    return build(scaleSet, driver, scheduler, resolver, Objects.requireNonNull(httpClient, "httpClient"));
  }

  private static ScaleSetHealth build(ScaleSet scaleSet, InstanceDriver driver, Scheduler scheduler,
      InstanceAddressResolver resolver, HttpClient httpClient) {
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(resolver, "resolver");
    return ApplicationHealthSettings.of(scaleSet).map(s -> {
      ApplicationHealthSignal.Builder b = ApplicationHealthSignal.builder(s).resolver(resolver).scheduler(scheduler);
      if (httpClient != null) {
        b.httpClient(httpClient);
      }
      return ScaleSetHealth.probing(b.build(), driver);
    }).orElseGet(() -> ScaleSetHealth.platform(driver));
  }
}
