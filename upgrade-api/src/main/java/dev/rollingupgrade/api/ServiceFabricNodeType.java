package dev.rollingupgrade.api;

import org.immutables.value.Value;

/**
 * The Service Fabric cluster's node type that a scale set hosts, as far as upgrades care: its
 * durability and whether it runs only stateless services. Field names follow the cluster
 * resource's {@code nodeTypes[]} ({@code durabilityLevel}, {@code isStateless}).
 *
 * <p>This is an SDK addition: the node type lives in the cluster resource, not in the Azure scale
 * set document, so the SDK reads and writes it at {@code properties.serviceFabricNodeType}, e.g.
 * {@code {"durabilityLevel": "Silver", "isStateless": false}}. Immutable and thread-safe.
 */
@Value.Immutable
public interface ServiceFabricNodeType {
  /** A builder; {@code durabilityLevel} is required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ServiceFabricNodeType}; its checks run in {@code build()}. */
  final class Builder extends ImmutableServiceFabricNodeType.Builder {
    Builder() {}
  }

  /** A node type with the given durability and statelessness. */
  static ServiceFabricNodeType of(ServiceFabricDurability durabilityLevel, boolean isStateless) {
    return builder().durabilityLevel(durabilityLevel).isStateless(isStateless).build();
  }

  /** The node type's durability, as the cluster resource sets it. */
  ServiceFabricDurability durabilityLevel();

  /** Whether the node type hosts only stateless services; default false. */
  @Value.Default
  default boolean isStateless() {
    return false;
  }
}
