package dev.rollingupgrade.api.status;

/** Who started an OS upgrade ({@code startedBy}). */
public enum UpgradeOperationInvoker {
  /** Azure {@code Unknown}. */
  UNKNOWN("Unknown"),
  /** Azure {@code User}. */
  USER("User"),
  /** Azure {@code Platform}. */
  PLATFORM("Platform");

  private final String azureName;

  UpgradeOperationInvoker(String azureName) {
    this.azureName = azureName;
  }

  /** The value as the Azure REST API spells it. */
  public String azureName() {
    return azureName;
  }
}
