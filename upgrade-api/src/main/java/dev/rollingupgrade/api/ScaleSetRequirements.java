package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;

/** The requirements an upgrade policy puts on the rest of the model (DESIGN §6). */
final class ScaleSetRequirements {
  static final String PROFILE = "properties.virtualMachineProfile";
  static final String IMAGE = PROFILE + ".storageProfile.imageReference";

  private ScaleSetRequirements() {}

  static void check(ScaleSet set, Violations v) {
    UpgradePolicy policy = set.upgradePolicy();
    VirtualMachineProfile profile = set.virtualMachineProfile();
    boolean automaticOs = policy.automaticOSUpgradePolicy().enableAutomaticOSUpgrade();
    boolean rolling = policy.mode() == UpgradeMode.ROLLING;
    if ((automaticOs || rolling) && profile.healthSourceCount() != 1) {
      String needs = automaticOs ? "automatic OS upgrade" : "upgrade mode Rolling";
      v.add(PROFILE, profile.describeHealthSource(), needs + " needs exactly one health source: "
          + "networkProfile.healthProbe or one application health extension ("
          + Extension.HEALTH_EXTENSION_PUBLISHER + " ApplicationHealthLinux|ApplicationHealthWindows)");
    }
    if (!automaticOs) {
      return;
    }
    String because = " when properties.upgradePolicy.automaticOSUpgradePolicy.enableAutomaticOSUpgrade is true";
    ImageReference image = profile.imageReference();
    switch (image.form()) {
      case PLATFORM:
        if (!image.followsLatest()) {
          v.add(IMAGE + ".version", image.version().orElse("null"), "must be 'latest'" + because);
        }
        break;
      case UNMANAGED_URI:
        v.add(PROFILE + ".storageProfile.osDisk.image.uri", image.uri().orElse(""),
            "custom images are upgraded automatically only through an Azure Compute Gallery" + because);
        break;
      default:
        if (!image.isGalleryImage()) {
          v.add(IMAGE + ".id", image.id().orElse(""),
              "custom images are upgraded automatically only through an Azure Compute Gallery" + because);
        } else if (!image.followsLatest()) {
          v.add(IMAGE, image.display(),
              "must name the gallery image definition (no fixed /versions/...) to follow the latest version" + because);
        }
    }
    profile.windowsConfiguration()
        .filter(WindowsConfiguration::enableAutomaticUpdates)
        .ifPresent(w -> v.add(PROFILE + ".osProfile.windowsConfiguration.enableAutomaticUpdates", true,
            "must be false" + because));
  }
}
