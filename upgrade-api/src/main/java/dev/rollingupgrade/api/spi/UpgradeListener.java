package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.event.UpgradeEvent;

/**
 * Observes runs: for metrics, progress bars and audit. Called synchronously from the run's
 * thread in event order, so it must return quickly and not throw (a throw is logged and ignored).
 */
@FunctionalInterface
public interface UpgradeListener {
  /** One step of a run happened. */
  void onEvent(UpgradeEvent event);
}
