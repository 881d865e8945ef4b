package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The requirements of automatic OS image upgrades that depend on the replaceable list of
 * {@link SupportedImages}: with {@code enableAutomaticOSUpgrade}, a platform image must be on it
 * (and a shared or community gallery image, which the SDK cannot watch, is refused).
 *
 * <p>The fixed requirements (version {@code latest}, the health source, {@code
 * enableAutomaticUpdates=false}, custom images only through a gallery, the Service Fabric rules)
 * are checked when a {@link ScaleSet} is built, so a model breaking them never exists. The
 * supported-image list is not fixed: Azure adds SKUs over time and a user must be able to extend
 * or replace it, so it cannot be part of the model's own check and is checked here, against the
 * list the caller passes. Violations carry JSON paths like the model's own. Stateless and
 * thread-safe.
 */
public final class OsUpgradeRequirements {
  /** JSON path of the scale set's image reference. */
  public static final String IMAGE_PATH = "properties.virtualMachineProfile.storageProfile.imageReference";

  private OsUpgradeRequirements() {}

  /**
   * The violations of {@code set} that depend on {@code supported}: none unless automatic OS
   * upgrades are enabled; then one when the platform image is not supported.
   */
  public static List<Violation> check(ScaleSet set, SupportedImages supported) {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(supported, "supported");
    List<Violation> found = new ArrayList<>();
    if (!set.upgradePolicy().automaticOSUpgradePolicy().enableAutomaticOSUpgrade()) {
      return List.of();
    }
    ImageReference image = set.virtualMachineProfile().imageReference();
    // custom images other than gallery ones are already rejected when the model is built
    if (image.form() == ImageReference.Form.SHARED_GALLERY || image.form() == ImageReference.Form.COMMUNITY_GALLERY) {
      found.add(new Violation(IMAGE_PATH, image.display(), "automatic OS upgrades of "
          + (image.form() == ImageReference.Form.SHARED_GALLERY ? "shared" : "community")
          + " gallery images are not supported by this SDK (its ImageCatalog reads Compute Gallery images by id): use "
          + "the gallery image definition's id (imageReference.id), or a platform image"));
    }
    if (image.form() == ImageReference.Form.PLATFORM && !supported.supports(image)) {
      String sku = image.publisher().orElse("?") + ":" + image.offer().orElse("?") + ":" + image.sku().orElse("?");
      found.add(new Violation(IMAGE_PATH, image.display(), "platform image " + sku
          + " is not supported by automatic OS upgrades (when properties.upgradePolicy.automaticOSUpgradePolicy"
          + ".enableAutomaticOSUpgrade is true); the list of supported images grows over time and is replaceable: "
          + "pass SupportedImages.defaults().with(publisher, offer, sku) or your own SupportedImages "
          + "(validate: --supported-image PUBLISHER:OFFER:SKU)"));
    }
    return List.copyOf(found);
  }

  /**
   * Throws when {@link #check} finds anything.
   *
   * @throws InvalidModelException with every violation {@link #check} finds
   */
  public static void require(ScaleSet set, SupportedImages supported) {
    List<Violation> found = check(set, supported);
    if (!found.isEmpty()) {
      throw new InvalidModelException("ScaleSet", found);
    }
  }
}
