package dev.rollingupgrade.api;

import java.util.Optional;
import org.immutables.value.Value;

/**
 * The model every instance of a scale set is built from (Azure
 * {@code properties.virtualMachineProfile}): the OS image, Windows settings, extensions and
 * the health probe. Immutable and thread-safe.
 */
@Value.Immutable
public interface VirtualMachineProfile {
  /** A builder; {@code imageReference} is required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link VirtualMachineProfile}; its checks run in {@code build()}. */
  final class Builder extends ImmutableVirtualMachineProfile.Builder {
    Builder() {}
  }

  /** The OS image ({@code storageProfile.imageReference}, or {@code storageProfile.osDisk.image.uri}). */
  ImageReference imageReference();

  /** Windows settings; absent for Linux scale sets. */
  Optional<WindowsConfiguration> windowsConfiguration();

  /** Load balancer health probe ({@code networkProfile.healthProbe}), if used as health source. */
  Optional<HealthProbeReference> healthProbe();

  /** The extensions; empty by default. */
  @Value.Default
  default ExtensionProfile extensionProfile() {
    return ExtensionProfile.empty();
  }

  /** How many health sources the model has: the probe, plus each application health extension. */
  default int healthSourceCount() {
    return (healthProbe().isPresent() ? 1 : 0) + extensionProfile().healthExtensions().size();
  }

  /** Names the health source: {@code "health probe <id>"}, {@code "application health extension <name>"} or {@code "none"}. */
  default String describeHealthSource() {
    if (healthProbe().isPresent() && extensionProfile().healthExtensions().isEmpty()) {
      return "health probe " + healthProbe().get().id();
    }
    if (healthProbe().isEmpty() && extensionProfile().healthExtensions().size() == 1) {
      return "application health extension " + extensionProfile().healthExtensions().get(0).name();
    }
    if (healthSourceCount() == 0) {
      return "none (healthy when running and every extension provisioned)";
    }
    return "ambiguous (" + healthSourceCount() + " sources)";
  }
}
