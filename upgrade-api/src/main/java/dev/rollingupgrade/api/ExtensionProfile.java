package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;

/**
 * The extensions of the scale-set model (Azure {@code virtualMachineProfile.extensionProfile}).
 * Checks that names are unique and that {@code provisionAfterExtensions} names existing
 * extensions without cycles. Immutable and thread-safe.
 */
@Value.Immutable
public interface ExtensionProfile {
  /** A builder with no extensions. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ExtensionProfile}; its checks run in {@code build()}. */
  final class Builder extends ImmutableExtensionProfile.Builder {
    Builder() {}
  }

  /** A profile with no extensions. */
  static ExtensionProfile empty() {
    return builder().build();
  }

  /** The extensions, in model order. */
  List<Extension> extensions();

  /** The application health extensions among {@link #extensions()} (a valid health source has one). */
  default List<Extension> healthExtensions() {
    List<Extension> found = new ArrayList<>();
    for (Extension e : extensions()) {
      if (e.isApplicationHealthExtension()) {
        found.add(e);
      }
    }
    return found;
  }

  /**
   * The durability the Service Fabric node extension names in {@code settings.durabilityLevel}:
   * the first such extension's that names one of Bronze, Silver, Gold; empty otherwise.
   */
  default Optional<ServiceFabricDurability> serviceFabricDurability() {
    return extensions().stream().filter(Extension::isServiceFabricNodeExtension)
        .flatMap(e -> e.serviceFabricDurability().stream()).findFirst();
  }

  /**
   * The extensions in the order they are provisioned: each after every extension it names in
   * {@code provisionAfterExtensions}, otherwise in model order.
   */
  @Value.Lazy
  default List<Extension> provisioningOrder() {
    Map<String, Extension> byName = new LinkedHashMap<>();
    extensions().forEach(e -> byName.put(e.name(), e));
    List<Extension> ordered = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    while (ordered.size() < extensions().size()) {
      for (Extension e : extensions()) {
        if (!placed.contains(e.name()) && placed.containsAll(e.provisionAfterExtensions())) {
          ordered.add(e);
          placed.add(e.name());
          break; // restart from the top so model order wins among ready extensions
        }
      }
    }
    return List.copyOf(ordered);
  }

  /** Checks unique names, known dependencies and the absence of cycles. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("ExtensionProfile");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < extensions().size(); i++) {
      if (!names.add(extensions().get(i).name())) {
        v.add("extensions[" + i + "].name", '"' + extensions().get(i).name() + '"',
            "extension names must be unique in a scale set");
      }
    }
    boolean dependenciesKnown = true;
    for (int i = 0; i < extensions().size(); i++) {
      List<String> after = extensions().get(i).provisionAfterExtensions();
      for (int j = 0; j < after.size(); j++) {
        if (!names.contains(after.get(j))) {
          dependenciesKnown = false;
          v.add("extensions[" + i + "].properties.provisionAfterExtensions[" + j + "]",
              '"' + after.get(j) + '"', "must name another extension of this scale set " + names.stream().sorted().toList());
        }
      }
    }
    if (dependenciesKnown && v.found().isEmpty()) {
      List<String> cycle = findCycle();
      if (!cycle.isEmpty()) {
        v.add("extensions", cycle, "provisionAfterExtensions must not form a cycle");
      }
    }
    v.throwIfAny();
  }

  /** Names on a provisioning cycle, or empty when there is none. */
  private List<String> findCycle() {
    Set<String> placed = new HashSet<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Extension e : extensions()) {
        if (!placed.contains(e.name()) && placed.containsAll(e.provisionAfterExtensions())) {
          placed.add(e.name());
          progress = true;
        }
      }
    }
    List<String> stuck = new ArrayList<>();
    extensions().stream().filter(e -> !placed.contains(e.name())).forEach(e -> stuck.add(e.name()));
    return stuck;
  }
}
