package dev.rollingupgrade.api;

import java.util.Optional;

/**
 * The durability level of a Service Fabric node type (the cluster resource's
 * {@code nodeTypes[].durabilityLevel}, and the {@code durabilityLevel} setting of the Service
 * Fabric node extension). It says how much the cluster may delay infrastructure operations such
 * as an OS disk replacement.
 */
public enum ServiceFabricDurability {
  /** No delay of infrastructure operations; automatic OS upgrades only for stateless node types. */
  BRONZE("Bronze"),
  /** Infrastructure operations wait for the cluster; supports automatic OS upgrades. */
  SILVER("Silver"),
  /** Like {@link #SILVER}, on whole-node VM sizes; supports automatic OS upgrades. */
  GOLD("Gold");

  private final String azureName;

  ServiceFabricDurability(String azureName) {
    this.azureName = azureName;
  }

  /** The value as Azure spells it: {@code Bronze}, {@code Silver} or {@code Gold}. */
  public String azureName() {
    return azureName;
  }

  /** The level named {@code name}, ignoring case as Azure does; empty for any other text. */
  public static Optional<ServiceFabricDurability> fromAzureName(String name) {
    for (ServiceFabricDurability d : values()) {
      if (d.azureName.equalsIgnoreCase(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
