package dev.rollingupgrade.core.mode;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The four kinds of OS update of the seed article, as changes to a scale set's model: a platform
 * image's version or sku, an unmanaged custom image's URI, a managed image reference. The fourth,
 * in-guest patching, changes no model and is not this library's job: {@link #inGuestPatching()}
 * is refused with what to use instead. Apply one with {@link ModelUpgrades#updateModel(OsUpdate)}.
 * Immutable.
 */
public final class OsUpdate {
  /** Which of the four kinds an update is. */
  public enum Kind {
    /** A platform image's {@code version} (e.g. {@code 16.04.201801090} to {@code latest}). */
    PLATFORM_VERSION,
    /** A platform image's {@code sku} (e.g. {@code 16.04-LTS} to {@code 18.04-LTS}), optionally with a version. */
    PLATFORM_SKU,
    /** An unmanaged custom image's {@code osDisk.image.uri}. */
    CUSTOM_IMAGE_URI,
    /** A managed image's (or Compute Gallery image version's) {@code imageReference.id}. */
    MANAGED_IMAGE,
    /** Patches installed inside the guest (Windows Update, a package manager): refused. */
    IN_GUEST_PATCHING
  }

  private final Kind kind;
  private final String value;
  private final String version;

  private OsUpdate(Kind kind, String value, String version) {
    this.kind = kind;
    this.value = value;
    this.version = version;
  }

  /**
   * A new platform image version ({@code major.minor.patch} or {@code latest}).
   *
   * @throws IllegalArgumentException for a blank version
   */
  public static OsUpdate platformVersion(String version) {
    return new OsUpdate(Kind.PLATFORM_VERSION, notBlank("version", version), null);
  }

  /**
   * A new platform image sku; the version stays.
   *
   * @throws IllegalArgumentException for a blank sku
   */
  public static OsUpdate platformSku(String sku) {
    return new OsUpdate(Kind.PLATFORM_SKU, notBlank("sku", sku), null);
  }

  /**
   * A new platform image sku and version together (a new sku rarely has the old version).
   *
   * @throws IllegalArgumentException for a blank sku or version
   */
  public static OsUpdate platformSku(String sku, String version) {
    return new OsUpdate(Kind.PLATFORM_SKU, notBlank("sku", sku), notBlank("version", version));
  }

  /**
   * A new unmanaged custom image URI (a VHD in a storage account).
   *
   * @throws IllegalArgumentException for a blank URI
   */
  public static OsUpdate customImageUri(String uri) {
    return new OsUpdate(Kind.CUSTOM_IMAGE_URI, notBlank("uri", uri), null);
  }

  /**
   * A new managed image (or gallery image version) resource id.
   *
   * @throws IllegalArgumentException for a blank id
   */
  public static OsUpdate managedImage(String id) {
    return new OsUpdate(Kind.MANAGED_IMAGE, notBlank("id", id), null);
  }

  /**
   * In-guest patching, the fourth kind of the seed article. It can be described, and is refused
   * when applied: see {@link #applyTo}.
   */
  public static OsUpdate inGuestPatching() {
    return new OsUpdate(Kind.IN_GUEST_PATCHING, "", null);
  }

  /** Which kind of update this is. */
  public Kind kind() {
    return kind;
  }

  /**
   * The model with this update applied. The result is then checked like any model update
   * ({@link ModelChange#between}).
   *
   * @throws InvalidModelException naming the field: when the set's image has another form than
   *     this update changes (e.g. a version change on a managed image id), or for in-guest patching
   */
  public ScaleSet applyTo(ScaleSet model) {
    ImageReference image = model.virtualMachineProfile().imageReference();
    ImageReference updated = switch (kind) {
      case PLATFORM_VERSION -> ImageReference.builder()
          .from(requireForm(image, ImageReference.Form.PLATFORM, ModelChange.IMAGE + ".version"))
          .version(value).exactVersion(Optional.empty()).build();
      case PLATFORM_SKU -> {
        var b = ImageReference.builder()
            .from(requireForm(image, ImageReference.Form.PLATFORM, ModelChange.IMAGE + ".sku")).sku(value);
        yield version == null ? b.build() : b.version(version).exactVersion(Optional.empty()).build();
      }
      case CUSTOM_IMAGE_URI -> {
        requireForm(image, ImageReference.Form.UNMANAGED_URI, ModelChange.IMAGE_URI);
        yield ImageReference.ofUri(value);
      }
      case MANAGED_IMAGE -> {
        requireForm(image, ImageReference.Form.ID, ModelChange.IMAGE + ".id");
        yield ImageReference.ofId(value);
      }
      case IN_GUEST_PATCHING -> throw new InvalidModelException("model update", List.of(new Violation(
          ModelChange.PROFILE + ".osProfile", "in-guest patching", "in-guest patching (security patches, Windows "
              + "Update run inside the VMs) is not this library's job: it changes no model, so there is nothing to "
              + "roll out. Use Azure Update Manager or automatic VM guest patching (osProfile.windowsConfiguration"
              + ".patchSettings.patchMode AutomaticByPlatform), or enableAutomaticUpdates for Windows Update; roll "
              + "out a new image here instead (platformVersion, platformSku, customImageUri, managedImage)")));
    };
    return ScaleSet.builder().from(model).virtualMachineProfile(VirtualMachineProfile.builder()
        .from(model.virtualMachineProfile()).imageReference(updated).build()).build();
  }

  /** The update in words, e.g. {@code platform image version 18.04.201804262}. */
  public String describe() {
    return switch (kind) {
      case PLATFORM_VERSION -> "platform image version " + value;
      case PLATFORM_SKU -> "platform image sku " + value + (version == null ? "" : ", version " + version);
      case CUSTOM_IMAGE_URI -> "custom image URI " + ModelChange.withoutQuery(value);
      case MANAGED_IMAGE -> "managed image " + value;
      case IN_GUEST_PATCHING -> "in-guest patching";
    };
  }

  @Override
  public String toString() {
    return "OsUpdate{" + describe() + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OsUpdate u && u.kind == kind && u.value.equals(value) && Objects.equals(u.version, version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, value, version);
  }

  private ImageReference requireForm(ImageReference image, ImageReference.Form form, String path) {
    if (image.form() != form) {
      throw new InvalidModelException("model update", List.of(new Violation(path, image.display(), "a "
          + describe() + " applies to a scale set whose image has that form, but this set's image is "
          + image.display() + ": an existing set keeps its image form")));
    }
    return image;
  }

  private static String notBlank(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
