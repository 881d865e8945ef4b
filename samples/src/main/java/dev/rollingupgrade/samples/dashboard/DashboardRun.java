package dev.rollingupgrade.samples.dashboard;

import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import java.util.Objects;

/**
 * A run as the dashboard shows it. Immutable.
 *
 * @param runId the run's id
 * @param description what the run does, for people ({@code "upgrade of update domain 0"})
 * @param status its status now, in the shape of Azure's {@code rollingUpgrades/latest}
 */
public record DashboardRun(String runId, String description, RollingUpgradeStatus status) {
  /** Checks that no field is null. */
  public DashboardRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(status, "status");
  }
}
