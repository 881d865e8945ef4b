package dev.rollingupgrade.api;

/** How instances of a scale set receive a new model or image (Azure {@code upgradePolicy.mode}). */
public enum UpgradeMode {
  /** Every instance at once (causes downtime; the SDK logs a warning). */
  AUTOMATIC("Automatic"),
  /** Nothing moves until the user upgrades instances explicitly. The Azure default. */
  MANUAL("Manual"),
  /** In health-gated batches under the {@link RollingUpgradePolicy}. */
  ROLLING("Rolling");

  private final String azureName;

  UpgradeMode(String azureName) {
    this.azureName = azureName;
  }

  /** The value as the Azure REST API spells it. */
  public String azureName() {
    return azureName;
  }
}
