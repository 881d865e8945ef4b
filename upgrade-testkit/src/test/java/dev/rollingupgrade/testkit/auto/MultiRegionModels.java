package dev.rollingupgrade.testkit.auto;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import java.util.List;
import java.util.stream.IntStream;

/** Scale set models for multi-region tests: zonal, following a platform image's latest version. */
final class MultiRegionModels {
  static final ImageReference LATEST = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest");

  private MultiRegionModels() {}

  /** A Rolling set in {@code region} over zones 1..{@code zones}, with a health probe and automatic OS upgrades. */
  static ScaleSet model(String name, String region, int zones, int capacity) {
    List<String> zoneNames = IntStream.rangeClosed(1, zones).mapToObj(String::valueOf).toList();
    return ScaleSet.builder().name(name).location(region).zones(zoneNames).capacity(capacity)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(LATEST)
            .healthProbe(HealthProbeReference.of("/lb-" + region + "/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true).build()).build())
        .build();
  }
}
