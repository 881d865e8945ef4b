package dev.rollingupgrade.api.status;

/** Last action taken on a run ({@code runningStatus.lastAction}). */
public enum RollingUpgradeActionType {
  /** Azure {@code Start}. */
  START("Start"),
  /** Azure {@code Cancel}. */
  CANCEL("Cancel");

  private final String azureName;

  RollingUpgradeActionType(String azureName) {
    this.azureName = azureName;
  }

  /** The value as the Azure REST API spells it. */
  public String azureName() {
    return azureName;
  }
}
