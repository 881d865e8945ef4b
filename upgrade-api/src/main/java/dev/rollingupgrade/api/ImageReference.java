package dev.rollingupgrade.api;

import dev.rollingupgrade.api.validation.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * The image an OS disk is built from, in exactly one of Azure's forms: a platform image
 * ({@code publisher}, {@code offer}, {@code sku}, {@code version}, where {@code version} may be
 * {@code latest}), a managed or Compute Gallery image by resource {@code id}, a shared or
 * community gallery image id, or an unmanaged custom image URI (Azure puts it at
 * {@code storageProfile.osDisk.image.uri}). Immutable and thread-safe.
 */
@Value.Immutable
public interface ImageReference {
  /** The version that follows the newest published image. */
  String LATEST = "latest";

  /** Platform image versions are {@code major.minor.build}, e.g. {@code 22.04.202401010}. */
  Pattern PLATFORM_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

  /** The form an image reference takes. */
  enum Form {
    /** Marketplace image: publisher, offer, sku, version. */
    PLATFORM,
    /** Managed image or Compute Gallery image (version) resource id. */
    ID,
    /** Image shared directly from a gallery ({@code sharedGalleryImageId}). */
    SHARED_GALLERY,
    /** Community gallery image ({@code communityGalleryImageId}). */
    COMMUNITY_GALLERY,
    /** Unmanaged custom image VHD URI. */
    UNMANAGED_URI
  }

  /** A builder; set the fields of exactly one form. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ImageReference}; its checks run in {@code build()}. */
  final class Builder extends ImmutableImageReference.Builder {
    Builder() {}
  }

  /** A platform image, e.g. {@code platform("Canonical", "ubuntu-24_04-lts", "server", "latest")}. */
  static ImageReference platform(String publisher, String offer, String sku, String version) {
    return builder().publisher(publisher).offer(offer).sku(sku).version(version).build();
  }

  /** A managed image or Compute Gallery image (version) by its resource id. */
  static ImageReference ofId(String id) {
    return builder().id(id).build();
  }

  /** An unmanaged custom image by its VHD URI. */
  static ImageReference ofUri(String uri) {
    return builder().uri(uri).build();
  }

  /** Platform image publisher. */
  Optional<String> publisher();

  /** Platform image offer. */
  Optional<String> offer();

  /** Platform image SKU. */
  Optional<String> sku();

  /** Platform image version, {@code major.minor.build} or {@code latest}. */
  Optional<String> version();

  /** Resolved version of a {@code latest} reference, as Azure reports it (read-only in Azure). */
  Optional<String> exactVersion();

  /** Managed image or Compute Gallery image (version) resource id. */
  Optional<String> id();

  /** Shared gallery image id. */
  Optional<String> sharedGalleryImageId();

  /** Community gallery image id. */
  Optional<String> communityGalleryImageId();

  /** Unmanaged custom image VHD URI ({@code storageProfile.osDisk.image.uri} in Azure JSON). */
  Optional<String> uri();

  /** The form of this reference. */
  @Value.Derived
  default Form form() {
    List<Form> forms = presentForms();
    return forms.isEmpty() ? Form.PLATFORM : forms.get(0);
  }

  /**
   * Whether this reference follows the newest image: a platform image at version
   * {@code latest}, or a gallery image definition (an id with no fixed {@code /versions/...}).
   */
  default boolean followsLatest() {
    switch (form()) {
      case PLATFORM:
        return version().map(LATEST::equalsIgnoreCase).orElse(false);
      case ID:
        return isGalleryImage() && !hasFixedGalleryVersion(id().orElse(""));
      case SHARED_GALLERY:
        return !hasFixedGalleryVersion(sharedGalleryImageId().orElse(""));
      case COMMUNITY_GALLERY:
        return !hasFixedGalleryVersion(communityGalleryImageId().orElse(""));
      default:
        return false;
    }
  }

  /** Whether the image comes from a Compute Gallery (private, shared or community). */
  default boolean isGalleryImage() {
    switch (form()) {
      case ID:
        return id().orElse("").toLowerCase(Locale.ROOT).contains("/galleries/");
      case SHARED_GALLERY:
      case COMMUNITY_GALLERY:
        return true;
      default:
        return false;
    }
  }

  /**
   * Whether both references name the same image: the same form and source, and for platform
   * images the same publisher, offer, SKU and effective version ({@code exactVersion} when known,
   * else {@code version}; compared ignoring case).
   */
  default boolean sameImageAs(ImageReference other) {
    if (form() != other.form()) {
      return false;
    }
    switch (form()) {
      case PLATFORM:
        return publisher().equals(other.publisher()) && offer().equals(other.offer()) && sku().equals(other.sku())
            && exactVersion().or(this::version).orElse("").equalsIgnoreCase(other.exactVersion().or(other::version).orElse(""));
      case ID:
        return id().orElse("").equalsIgnoreCase(other.id().orElse(""));
      case SHARED_GALLERY:
        return sharedGalleryImageId().orElse("").equalsIgnoreCase(other.sharedGalleryImageId().orElse(""));
      case COMMUNITY_GALLERY:
        return communityGalleryImageId().orElse("").equalsIgnoreCase(other.communityGalleryImageId().orElse(""));
      default:
        return uri().equals(other.uri());
    }
  }

  /**
   * Short human-readable form, e.g. {@code Canonical:ubuntu-24_04-lts:server:24.04.202405010}. A
   * URI's query (where a SAS token's signature goes) is shown as {@code ?***}: this form goes to
   * logs, events and messages.
   */
  default String display() {
    switch (form()) {
      case PLATFORM:
        return publisher().orElse("?") + ":" + offer().orElse("?") + ":" + sku().orElse("?") + ":"
            + version().orElse("?") + exactVersion().map(v -> " (" + v + ")").orElse("");
      case ID:
        return id().orElse("?");
      case SHARED_GALLERY:
        return sharedGalleryImageId().orElse("?");
      case COMMUNITY_GALLERY:
        return communityGalleryImageId().orElse("?");
      default:
        String uri = uri().orElse("?");
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query) + "?***";
    }
  }

  /** Checks that exactly one complete form is given and that a platform version is well-formed. */
  @Value.Check
  default void check() {
    Violations v = Violations.of("ImageReference");
    List<Form> forms = presentForms();
    if (forms.isEmpty()) {
      v.add("", "{}", "needs exactly one image form: publisher/offer/sku/version, id, "
          + "sharedGalleryImageId, communityGalleryImageId, or osDisk.image.uri");
    } else if (forms.size() > 1) {
      v.add("", forms, "needs exactly one image form, found " + forms.size()
          + "; keep only one of publisher/offer/sku/version, id, sharedGalleryImageId, "
          + "communityGalleryImageId, osDisk.image.uri");
    } else if (forms.get(0) == Form.PLATFORM) {
      v.notBlank("publisher", publisher().orElse(null));
      v.notBlank("offer", offer().orElse(null));
      v.notBlank("sku", sku().orElse(null));
      String ver = version().orElse(null);
      if (ver == null || !(LATEST.equalsIgnoreCase(ver) || PLATFORM_VERSION.matcher(ver).matches())) {
        v.add("version", ver == null ? "null" : '"' + ver + '"',
            "must be 'latest' or major.minor.build such as 22.04.202401010");
      }
    } else {
      id().ifPresent(x -> v.notBlank("id", x));
      sharedGalleryImageId().ifPresent(x -> v.notBlank("sharedGalleryImageId", x));
      communityGalleryImageId().ifPresent(x -> v.notBlank("communityGalleryImageId", x));
      uri().ifPresent(x -> v.notBlank("uri", x));
    }
    v.throwIfAny();
  }

  /** The forms that have at least one field set, in declaration order. */
  private List<Form> presentForms() {
    List<Form> forms = new ArrayList<>();
    if (publisher().isPresent() || offer().isPresent() || sku().isPresent() || version().isPresent()) {
      forms.add(Form.PLATFORM);
    }
    id().ifPresent(x -> forms.add(Form.ID));
    sharedGalleryImageId().ifPresent(x -> forms.add(Form.SHARED_GALLERY));
    communityGalleryImageId().ifPresent(x -> forms.add(Form.COMMUNITY_GALLERY));
    uri().ifPresent(x -> forms.add(Form.UNMANAGED_URI));
    return forms;
  }

  private static boolean hasFixedGalleryVersion(String galleryId) {
    String lower = galleryId.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("/versions/");
    return at >= 0 && !lower.substring(at + "/versions/".length()).equals(LATEST);
  }
}
