package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One instance of a scale set as the {@link dev.rollingupgrade.api.spi.InstanceDriver} reports
 * it: placement (zone, fault and update domain), what it runs, and its state. Immutable and
 * thread-safe.
 */
@Value.Immutable
public interface Instance {
  /** A builder; {@code instanceId} is required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Instance}; its checks run in {@code build()}. */
  final class Builder extends ImmutableInstance.Builder {
    Builder() {}
  }

  /** Instance id within the scale set, e.g. {@code "7"}; ordered naturally ({@code 2} before {@code 10}). */
  String instanceId();

  /** Availability zone; empty for a regional instance. */
  Optional<String> zone();

  /** Platform fault domain, 0 or more; default 0. */
  @Value.Default
  default int platformFaultDomain() {
    return 0;
  }

  /** Platform update domain, 0 or more; default 0. */
  @Value.Default
  default int platformUpdateDomain() {
    return 0;
  }

  /** The image the OS disk was built from, with its exact version when known. */
  Optional<ImageReference> appliedImage();

  /** Installed version per extension name. */
  Map<String, String> appliedExtensionVersions();

  /** Whether the instance runs the scale set's current model; default true. */
  @Value.Default
  default boolean latestModelApplied() {
    return true;
  }

  /** Power state; default running. */
  @Value.Default
  default PowerState powerState() {
    return PowerState.RUNNING;
  }

  /** Provisioning state; default succeeded. */
  @Value.Default
  default ProvisioningState provisioningState() {
    return ProvisioningState.SUCCEEDED;
  }

  /** Whether the instance is protected from scale-set actions (upgrades never touch it); default false. */
  @Value.Default
  default boolean protectFromScaleSetActions() {
    return false;
  }

  /** Checks the id and the domains. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("Instance");
    v.notBlank("instanceId", instanceId());
    zone().ifPresent(z -> v.notBlank("zones[0]", z));
    v.range("properties.instanceView.platformFaultDomain", platformFaultDomain(), 0, Integer.MAX_VALUE);
    v.range("properties.instanceView.platformUpdateDomain", platformUpdateDomain(), 0, Integer.MAX_VALUE);
    v.throwIfAny();
  }
}
