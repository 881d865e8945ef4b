package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import org.immutables.value.Value;

/**
 * A load balancer health probe used as the scale set's health source (Azure
 * {@code networkProfile.healthProbe}). Immutable and thread-safe.
 */
@Value.Immutable
public interface HealthProbeReference {
  /** The probe with this resource id. */
  static HealthProbeReference of(String id) {
    return ImmutableHealthProbeReference.builder().id(id).build();
  }

  /** Resource id of the load balancer probe. */
  String id();

  /** Checks the id is not blank. */
  @Value.Check
  default void check() {
    Violations.of("HealthProbeReference").notBlank("id", id()).throwIfAny();
  }
}
