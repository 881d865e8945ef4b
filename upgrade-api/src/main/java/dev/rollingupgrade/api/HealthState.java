package dev.rollingupgrade.api;

/** Health of one instance as a {@link dev.rollingupgrade.api.spi.HealthSignal} reports it. */
public enum HealthState {
  /** Serving. */
  HEALTHY,
  /** Not serving. Counts against the unhealthy budget. */
  UNHEALTHY,
  /** No answer. Counts as unhealthy. */
  UNKNOWN,
  /** Still starting; waited for, not counted as unhealthy by the gate. */
  INITIALIZING;

  /** Whether the 20 % rules count this state as unhealthy ({@code UNHEALTHY} or {@code UNKNOWN}). */
  public boolean countsAsUnhealthy() {
    return this == UNHEALTHY || this == UNKNOWN;
  }
}
