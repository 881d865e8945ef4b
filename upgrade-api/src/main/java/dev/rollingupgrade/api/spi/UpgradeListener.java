package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.event.UpgradeEvent;

/**
 * Observes runs: for metrics, progress bars and audit. Called outside the run's lock, right after
 * the state change that made the event, on the scheduler thread that ran it; it may read the run
 * (status, outcomes). Events of one state change come in order. With a scheduler of several
 * threads, a timeout that fires while another thread is busy can deliver its events meanwhile, so
 * a listener must be thread-safe. It should return quickly and not throw (a throw is logged and
 * ignored).
 */
@FunctionalInterface
public interface UpgradeListener {
  /** One step of a run happened. */
  void onEvent(UpgradeEvent event);
}
