package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.GalleryImageVersion;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.spi.ImageCatalog;
import dev.rollingupgrade.api.Versions;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Image versions: their order, "latest" in a region, the version an image reference names. */
final class ImageVersions {
  /** Numeric order part by part; see {@link Versions}. */
  static final Comparator<String> ORDER = Versions.ORDER;

  private ImageVersions() {}

  /** The highest platform version; versions that are not all numbers (previews) are never "latest". */
  static Optional<String> latestPlatform(List<String> versions) {
    return versions.stream().filter(Versions::isNumeric).max(ORDER);
  }

  /** The highest gallery version replicated to {@code region} and not excluded from latest. */
  static Optional<String> latestGallery(List<GalleryImageVersion> versions, String region) {
    return versions.stream().filter(v -> !v.excludeFromLatest()).filter(v -> Versions.isNumeric(v.version()))
        .filter(v -> v.targetRegions().stream().anyMatch(r -> r.equalsIgnoreCase(region)))
        .map(GalleryImageVersion::version).max(ORDER);
  }

  /** The gallery image definition an id names, without {@code /versions/...}. */
  static String galleryDefinition(String id) {
    int at = id.toLowerCase(Locale.ROOT).indexOf("/versions/");
    return at < 0 ? id : id.substring(0, at);
  }

  /** The exact version an instance's image names, if any ({@code latest} names none). */
  static Optional<String> versionOf(ImageReference image) {
    if (image.exactVersion().isPresent()) {
      return image.exactVersion();
    }
    if (image.form() == ImageReference.Form.PLATFORM) {
      return image.version().filter(v -> !v.equalsIgnoreCase(ImageReference.LATEST));
    }
    String id = image.id().orElse("");
    int at = id.toLowerCase(Locale.ROOT).indexOf("/versions/");
    return at < 0 ? Optional.empty() : Optional.of(id.substring(at + "/versions/".length()))
        .filter(v -> !v.equalsIgnoreCase(ImageReference.LATEST));
  }

  /** The reference an automatic upgrade targets: the model's image at {@code version}; SKU, publisher and offer never change. */
  static ImageReference at(ImageReference model, String version) {
    if (model.form() == ImageReference.Form.PLATFORM) {
      return ImageReference.platform(model.publisher().orElseThrow(), model.offer().orElseThrow(),
          model.sku().orElseThrow(), version);
    }
    return ImageReference.ofId(galleryDefinition(model.id().orElseThrow()) + "/versions/" + version);
  }

  /** The version that is latest for {@code set}'s image in its region, as {@code catalog} answers. */
  static CompletionStage<Optional<String>> latest(ImageCatalog catalog, ScaleSet set) {
    ImageReference image = set.virtualMachineProfile().imageReference();
    if (image.form() == ImageReference.Form.PLATFORM) {
      return catalog.platformImageVersions(set.location(), image.publisher().orElseThrow(), image.offer().orElseThrow(),
          image.sku().orElseThrow()).thenApply(ImageVersions::latestPlatform);
    }
    return catalog.galleryImageVersions(galleryDefinition(image.id().orElseThrow()))
        .thenApply(versions -> latestGallery(versions, set.location()));
  }

  /** Sets with equal keys share one catalog question: region and image (platform SKU or gallery definition). */
  static String queryKey(ScaleSet set) {
    return set.location() + " " + imageKey(set);
  }

  /** One release of one image, whatever the region. */
  static String releaseKey(ScaleSet set, String version) {
    return imageKey(set) + "@" + version;
  }

  private static String imageKey(ScaleSet set) {
    ImageReference image = set.virtualMachineProfile().imageReference();
    return image.form() == ImageReference.Form.PLATFORM
        ? image.publisher().orElse("") + ":" + image.offer().orElse("") + ":" + image.sku().orElse("")
        : galleryDefinition(image.id().orElse(""));
  }
}
