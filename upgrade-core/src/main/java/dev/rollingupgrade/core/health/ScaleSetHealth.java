package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.Optional;

/**
 * The health signal a scale set's model calls for together with the driver to run with it
 * ({@link HealthSignals#forScaleSet}): give a run both, {@code .driver(h.driver()).health(h.signal())},
 * and it never reads an instance's health from before its upgrade. With application health
 * probes the driver is the signal's {@link ApplicationHealthSignal#tracking tracking} wrapper of
 * yours (it reports every restart to the signal); with the default rule it is yours as is. Close
 * it when the runs are done: that stops the probes (the driver is not closed). Thread-safe.
 */
public final class ScaleSetHealth implements AutoCloseable {
  private final HealthSignal signal;
  private final InstanceDriver driver;
  private final ApplicationHealthSignal probes;

  private ScaleSetHealth(HealthSignal signal, InstanceDriver driver, ApplicationHealthSignal probes) {
    this.signal = signal;
    this.driver = driver;
    this.probes = probes;
  }

  static ScaleSetHealth probing(ApplicationHealthSignal probes, InstanceDriver driver) {
    return new ScaleSetHealth(probes, probes.tracking(driver), probes);
  }

  static ScaleSetHealth platform(InstanceDriver driver) {
    return new ScaleSetHealth(PlatformHealthSignal.of(driver), driver, null);
  }

  /** The signal to give the run ({@code RollingUpgrade...health(signal())}). */
  public HealthSignal signal() {
    return signal;
  }

  /**
   * The driver to give the run ({@code driver(driver())}): with probes, yours wrapped so that the
   * signal hears of every restart; else yours.
   */
  public InstanceDriver driver() {
    return driver;
  }

  /** The application health probes, when the model has the extension; empty for the default rule. */
  public Optional<ApplicationHealthSignal> applicationHealth() {
    return Optional.ofNullable(probes);
  }

  /** Stops the probes, if any; idempotent. */
  @Override
  public void close() {
    if (probes != null) {
      probes.close();
    }
  }

  @Override
  public String toString() {
    return "ScaleSetHealth{" + (probes != null ? probes.settings() : "default rule") + "}";
  }
}
