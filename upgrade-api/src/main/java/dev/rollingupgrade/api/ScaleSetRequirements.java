package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;

/**
 * The requirements an upgrade policy puts on the rest of the model (DESIGN §6).
 *
 * <p>Only fixed rules live here, so that a model breaking them never builds. Whether a platform
 * image is on the list of images automatic OS upgrades support is not one of them: that list
 * changes over time and users must be able to replace it, so it is checked in upgrade-core by
 * {@code dev.rollingupgrade.core.auto.OsUpgradeRequirements} against a replaceable
 * {@code SupportedImages}. The Service Fabric rules are in {@link ServiceFabricRequirements}.
 */
final class ScaleSetRequirements {
  static final String PROFILE = "properties.virtualMachineProfile";
  static final String IMAGE = PROFILE + ".storageProfile.imageReference";
  static final String AUTOMATIC_UPDATES = PROFILE + ".osProfile.windowsConfiguration.enableAutomaticUpdates";
  static final String BECAUSE =
      " when properties.upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade is true";

  private ScaleSetRequirements() {}

  static void check(ScaleSet set, Violations v) {
    UpgradePolicy policy = set.upgradePolicy();
    VirtualMachineProfile profile = set.virtualMachineProfile();
    boolean automaticOs = policy.automaticOSUpgradePolicy().enableAutomaticOSUpgrade();
    boolean rolling = policy.mode() == UpgradeMode.ROLLING;
    // Service Fabric sets get their health-source rule for automatic OS upgrades from their durability
    boolean osNeedsOneHealthSource = automaticOs && !set.isServiceFabric();
    boolean healthReported = false;
    if ((osNeedsOneHealthSource || rolling) && profile.healthSourceCount() != 1) {
      String needs = osNeedsOneHealthSource ? "automatic OS upgrade" : "upgrade mode Rolling";
      v.add(PROFILE, profile.describeHealthSource(), needs + " needs exactly one health source: "
          + "networkProfile.healthProbe or one application health extension ("
          + Extension.HEALTH_EXTENSION_PUBLISHER + " ApplicationHealthLinux|ApplicationHealthWindows)");
      healthReported = true;
    }
    if (automaticOs) {
      checkImage(profile.imageReference(), v);
      String serviceFabric = set.isServiceFabric()
          ? "; Service Fabric scale sets do not support Windows Update in the guest" : "";
      profile.windowsConfiguration()
          .filter(WindowsConfiguration::enableAutomaticUpdates)
          .ifPresent(w -> v.add(AUTOMATIC_UPDATES, true, "must be false" + BECAUSE + serviceFabric));
    }
    ServiceFabricRequirements.check(set, v, automaticOs, healthReported);
  }

  private static void checkImage(ImageReference image, Violations v) {
    switch (image.form()) {
      case PLATFORM:
        if (!image.followsLatest()) {
          v.add(IMAGE + ".version", image.version().orElse("null"), "must be 'latest'" + BECAUSE);
        }
        break;
      case UNMANAGED_URI:
        v.add(PROFILE + ".storageProfile.osDisk.image.uri", image.uri().orElse(""),
            "custom images are upgraded automatically only through an Azure Compute Gallery" + BECAUSE);
        break;
      default:
        if (!image.isGalleryImage()) {
          v.add(IMAGE + ".id", image.id().orElse(""),
              "custom images are upgraded automatically only through an Azure Compute Gallery" + BECAUSE);
        } else if (!image.followsLatest()) {
          v.add(IMAGE, image.display(),
              "must name the gallery image definition (no fixed /versions/...) to follow the latest version" + BECAUSE);
        }
    }
  }
}
