package dev.rollingupgrade.testkit;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProtectedSettings;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.WindowsConfiguration;
import dev.rollingupgrade.api.validation.InvalidModelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for valid model values, every field within Azure's ranges, so users can
 * property-test their own code (drivers, health signals, JSON handling) against any model the
 * SDK accepts. Every value generated builds without error. Thread-safe (stateless).
 */
public final class ModelArbitraries {
  private ModelArbitraries() {}

  /** Rolling upgrade policies with every field in its Azure range. */
  public static Arbitrary<RollingUpgradePolicy> rollingUpgradePolicies() {
    Arbitrary<Integer> batch = Arbitraries.integers().between(5, 100);
    Arbitrary<Integer> unhealthy = Arbitraries.integers().between(5, 100);
    Arbitrary<Integer> unhealthyUpgraded = Arbitraries.integers().between(0, 100);
    Arbitrary<Duration> pause = Arbitraries.longs().between(0, 3 * 3600).map(Duration::ofSeconds);
    Arbitrary<Duration> healthTimeout = Arbitraries.longs().between(1, 24 * 3600).map(Duration::ofSeconds);
    Arbitrary<List<Boolean>> flags = Arbitraries.of(true, false).list().ofSize(4);
    return Combinators.combine(batch, unhealthy, unhealthyUpgraded, pause, healthTimeout, flags)
        .as((b, u, uu, p, h, f) -> RollingUpgradePolicy.builder()
            .maxBatchInstancePercent(b)
            .maxUnhealthyInstancePercent(u)
            .maxUnhealthyUpgradedInstancePercent(uu)
            .pauseTimeBetweenBatches(p)
            .healthTimeout(h)
            .enableCrossZoneUpgrade(f.get(0))
            .prioritizeUnhealthyInstances(f.get(1))
            .rollbackFailedInstancesOnPolicyBreach(f.get(2))
            .respectUpdateDomains(f.get(3))
            .build());
  }

  /** Image references of every form; platform versions are {@code latest} or {@code major.minor.build}. */
  public static Arbitrary<ImageReference> imageReferences() {
    Arbitrary<String> name = Arbitraries.strings().alpha().numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> version = Arbitraries.oneOf(Arbitraries.just(ImageReference.LATEST),
        Arbitraries.integers().between(0, 99999).list().ofSize(3)
            .map(p -> p.get(0) + "." + p.get(1) + "." + p.get(2)));
    Arbitrary<ImageReference> platform = Combinators.combine(name, name, name, version)
        .as(ImageReference::platform);
    Arbitrary<ImageReference> gallery = Combinators.combine(name, name, Arbitraries.of(true, false))
        .as((g, i, fixed) -> ImageReference.ofId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/"
            + g + "/images/" + i + (fixed ? "/versions/1.0.0" : "")));
    Arbitrary<ImageReference> managed = name.map(n ->
        ImageReference.ofId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/" + n));
    Arbitrary<ImageReference> unmanaged = name.map(n -> ImageReference.ofUri("https://store.blob.core.windows.net/vhds/" + n + ".vhd"));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, platform),
        net.jqwik.api.Tuple.of(2, gallery),
        net.jqwik.api.Tuple.of(1, managed),
        net.jqwik.api.Tuple.of(1, unmanaged));
  }

  /** Extension profiles of 0..4 extensions with unique names, acyclic dependencies, settings and secrets. */
  public static Arbitrary<ExtensionProfile> extensionProfiles() {
    Arbitrary<Integer> count = Arbitraries.integers().between(0, 4);
    Arbitrary<List<Integer>> seeds = Arbitraries.integers().between(0, 1000).list().ofSize(12);
    return Combinators.combine(count, seeds).as((n, s) -> {
      List<Extension> extensions = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean health = s.get(i) % 5 == 0;
        Map<String, Object> settings = new LinkedHashMap<>();
        if (s.get(i + 4) % 2 == 0) {
          settings.put("port", s.get(i + 4));
          settings.put("path", "/p" + s.get(i + 8));
        }
        var b = Extension.builder()
            .name("ext" + i)
            .publisher(health ? Extension.HEALTH_EXTENSION_PUBLISHER : "Contoso.Tools")
            .type(health ? "ApplicationHealthLinux" : "Agent" + i)
            .typeHandlerVersion((s.get(i) % 3 + 1) + "." + s.get(i + 4) % 10)
            .autoUpgradeMinorVersion(s.get(i) % 2 == 0)
            .enableAutomaticUpgrade(s.get(i + 8) % 2 == 0)
            .settings(settings);
        if (i > 0 && s.get(i + 8) % 3 == 0) {
          b.addProvisionAfterExtension("ext" + (s.get(i + 8) % i)); // only earlier ones: no cycle
        }
        if (s.get(i + 4) % 3 == 0) {
          b.protectedSettings(ProtectedSettings.of(Map.of("key", "secret-" + s.get(i))));
        }
        extensions.add(b.build());
      }
      return ExtensionProfile.builder().extensions(extensions).build();
    });
  }

  /** Upgrade policies of any mode. */
  public static Arbitrary<UpgradePolicy> upgradePolicies() {
    return Combinators.combine(Arbitraries.of(UpgradeMode.class), rollingUpgradePolicies(),
            Arbitraries.of(true, false).list().ofSize(3))
        .as((mode, rolling, f) -> UpgradePolicy.builder()
            .mode(mode)
            .rollingUpgradePolicy(rolling)
            .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder()
                .enableAutomaticOSUpgrade(f.get(0))
                .disableAutomaticRollback(f.get(1))
                .useRollingUpgradePolicy(f.get(2))
                .build())
            .build());
  }

  /**
   * Valid scale sets: any combination of the parts above that meets the upgrade policy's
   * requirements (health source, image following {@code latest}, Windows updates off).
   */
  public static Arbitrary<ScaleSet> scaleSets() {
    Arbitrary<String> name = Arbitraries.strings().alpha().numeric().withChars('-').ofMinLength(1).ofMaxLength(24);
    Arbitrary<String> location = Arbitraries.of("westeurope", "northeurope", "eastus", "westus2", "japaneast");
    Arbitrary<List<String>> zones = Arbitraries.of(List.of(), List.of("1"), List.of("1", "2"), List.of("1", "2", "3"));
    Arbitrary<Long> capacity = Arbitraries.longs().between(0, 1000);
    Arbitrary<Optional<WindowsConfiguration>> windows = Arbitraries.of(
        Optional.empty(), Optional.of(WindowsConfiguration.of(false)), Optional.of(WindowsConfiguration.of(true)));
    Arbitrary<Optional<HealthProbeReference>> probe = Arbitraries.of(Optional.empty(),
        Optional.of(HealthProbeReference.of("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb/probes/http")));
    Arbitrary<VirtualMachineProfile> profile = Combinators.combine(imageReferences(), windows, probe, extensionProfiles())
        .as((image, win, pr, ext) -> VirtualMachineProfile.builder()
            .imageReference(image).windowsConfiguration(win).healthProbe(pr).extensionProfile(ext).build());
    return Combinators.combine(name, location, zones, capacity, profile, upgradePolicies())
        .as((n, l, z, c, p, u) -> buildOrNull(() -> ScaleSet.builder()
            .name(n).location(l).zones(z).capacity(c).virtualMachineProfile(p).upgradePolicy(u).build()))
        .filter(s -> s != null);
  }

  /** Instances with ids 0..9999, zones 1..3 or none, domains 0..19, any power and provisioning state. */
  public static Arbitrary<Instance> instances() {
    Arbitrary<Integer> id = Arbitraries.integers().between(0, 9999);
    Arbitrary<Optional<String>> zone = Arbitraries.of(Optional.empty(), Optional.of("1"), Optional.of("2"), Optional.of("3"));
    Arbitrary<Integer> domain = Arbitraries.integers().between(0, 19);
    Arbitrary<Optional<ImageReference>> image = imageReferences().optional();
    Arbitrary<List<Boolean>> flags = Arbitraries.of(true, false).list().ofSize(2);
    return Combinators.combine(id, zone, domain, domain, image, Arbitraries.of(PowerState.class),
            Arbitraries.of(ProvisioningState.class), flags)
        .as((i, z, fd, ud, img, power, prov, f) -> Instance.builder()
            .instanceId(String.valueOf(i)).zone(z).platformFaultDomain(fd).platformUpdateDomain(ud)
            .appliedImage(img).latestModelApplied(f.get(0)).protectFromScaleSetActions(f.get(1))
            .powerState(power).provisioningState(prov)
            .putAppliedExtensionVersion("ext0", fd + ".0")
            .build());
  }

  private static <T> T buildOrNull(Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidModelException e) {
      return null; // a combination the requirements reject: filtered out
    }
  }
}
