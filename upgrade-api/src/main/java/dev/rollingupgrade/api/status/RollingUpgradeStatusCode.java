package dev.rollingupgrade.api.status;

/** State of a rolling upgrade run ({@code runningStatus.code}). */
public enum RollingUpgradeStatusCode {
  /** Azure {@code RollingForward}. */
  ROLLING_FORWARD("RollingForward"),
  /** Azure {@code Cancelled}. */
  CANCELLED("Cancelled"),
  /** Azure {@code Completed}. */
  COMPLETED("Completed"),
  /** Azure {@code Faulted}. */
  FAULTED("Faulted");

  private final String azureName;

  RollingUpgradeStatusCode(String azureName) {
    this.azureName = azureName;
  }

  /** The value as the Azure REST API spells it. */
  public String azureName() {
    return azureName;
  }
}
