package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.HealthState;

/** Receives health changes pushed by a {@link HealthSignal}. Called from any thread. */
@FunctionalInterface
public interface HealthListener {
  /** The instance's health is now {@code state}. */
  void onHealthChanged(String instanceId, HealthState state);
}
