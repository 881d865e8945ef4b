package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;

/**
 * A virtual machine scale set as Azure describes it ({@code az vmss show}): name, region,
 * zones, capacity, the VM model and the upgrade policy.
 *
 * <p>Besides each field's own range, building checks the requirements of the upgrade policy,
 * all at once: mode {@code Rolling} and automatic OS upgrades need exactly one health source;
 * automatic OS upgrades also need an image that follows {@code latest}, custom images only
 * through a Compute Gallery, and {@code enableAutomaticUpdates=false} on Windows. A Service
 * Fabric scale set (one with the Service Fabric node extension) with automatic OS upgrades also
 * needs its cluster node type described ({@link #serviceFabricNodeType()}), durability Silver or
 * Gold (Bronze only for stateless node types, which need the application health extension as
 * health source), extension {@code typeHandlerVersion} 1.1 or later and the same durability in
 * the cluster and the extension. Paths in violations are JSON paths of the Azure document.
 *
 * <p>Whether a platform image is on the list of images that automatic OS upgrades support is not
 * checked here: that list changes over time and users replace it, so it is checked by
 * {@code dev.rollingupgrade.core.auto.OsUpgradeRequirements}. Immutable and thread-safe.
 */
@Value.Immutable
public interface ScaleSet {
  /** A builder; name, location and virtualMachineProfile are required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ScaleSet}; its checks run in {@code build()}. */
  final class Builder extends ImmutableScaleSet.Builder {
    Builder() {}
  }

  /** Azure resource id, if known. */
  Optional<String> id();

  /** Scale set name. */
  String name();

  /** Region, e.g. {@code westeurope}. */
  String location();

  /** Availability zones, e.g. {@code ["1","2","3"]}; empty for a regional set. */
  List<String> zones();

  /** Largest {@link #capacity()} accepted: ten million, far above what Azure allows in one scale set. */
  long MAX_CAPACITY = 10_000_000L;

  /** Requested instance count ({@code sku.capacity}): 0 to {@link #MAX_CAPACITY}; default 0. */
  @Value.Default
  default long capacity() {
    return 0;
  }

  /** The VM model. */
  VirtualMachineProfile virtualMachineProfile();

  /** How upgrades happen; Azure's default (mode {@code Manual}) if not given. */
  @Value.Default
  default UpgradePolicy upgradePolicy() {
    return UpgradePolicy.defaults();
  }

  /**
   * The Service Fabric cluster's node type this scale set hosts. An SDK addition, read and written
   * at {@code properties.serviceFabricNodeType}: the Azure scale set document does not hold it.
   * Required for a Service Fabric scale set with automatic OS upgrades; only allowed on a Service
   * Fabric scale set.
   */
  Optional<ServiceFabricNodeType> serviceFabricNodeType();

  /**
   * Whether this is a Service Fabric scale set: its model holds the Service Fabric node extension
   * ({@link Extension#isServiceFabricNodeExtension()}). Service Fabric expects such sets to be
   * upgraded one update domain at a time.
   */
  default boolean isServiceFabric() {
    return virtualMachineProfile().extensionProfile().extensions().stream()
        .anyMatch(Extension::isServiceFabricNodeExtension);
  }

  /** Checks fields and the requirements of the upgrade policy, reporting all violations at once. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("ScaleSet");
    v.notBlank("name", name());
    v.notBlank("location", location());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < zones().size(); i++) {
      v.notBlank("zones[" + i + "]", zones().get(i));
      if (!seen.add(zones().get(i))) {
        v.add("zones[" + i + "]", '"' + zones().get(i) + '"', "zones must be distinct");
      }
    }
    if (capacity() < 0 || capacity() > MAX_CAPACITY) {
      v.add("sku.capacity", capacity(), "must be between 0 and " + MAX_CAPACITY);
    }
    ScaleSetRequirements.check(this, v);
    v.throwIfAny();
  }
}
