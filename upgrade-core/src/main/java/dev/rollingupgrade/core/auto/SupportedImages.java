package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.ImageReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The platform images (publisher, offer, SKU) that automatic OS image upgrades support.
 *
 * <p>{@link #defaults()} is Azure's published table; Azure adds SKUs to it over time, so a user
 * extends it ({@code SupportedImages.defaults().with("Canonical", "ubuntu-24_04-lts", "server")})
 * or replaces it ({@code SupportedImages.of(...)}, {@link #none()}, {@link #allowAll()}).
 * Publisher, offer and SKU are compared ignoring case, as Azure does. Images from an Azure
 * Compute Gallery are always supported: whether a custom image comes through a gallery and
 * follows its latest version is checked with the model itself. Immutable and thread-safe.
 */
public final class SupportedImages {
  private static final SupportedImages DEFAULTS = of(List.of(
      // the table writes "16.04 LTS"; the SKU Azure publishes is 16.04-LTS
      new PlatformSku("Canonical", "UbuntuServer", "16.04-LTS"),
      new PlatformSku("Canonical", "UbuntuServer", "18.04-LTS"),
      new PlatformSku("OpenLogic", "CentOS", "7.5"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2012-R2-Datacenter"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2016-Datacenter"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2016-Datacenter-smalldisk"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2016-Datacenter-with-Containers"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter-smalldisk"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter-with-Containers"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter-Core"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter-Core-with-Containers"),
      new PlatformSku("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter-gensecond")));
  private static final SupportedImages NONE = of(List.of());
  private static final SupportedImages ALL = new SupportedImages(List.of(), true);

  private final List<PlatformSku> skus;
  private final Set<String> keys;
  private final boolean allowsAll;

  private SupportedImages(List<PlatformSku> skus, boolean allowsAll) {
    Set<String> seen = new LinkedHashSet<>();
    List<PlatformSku> kept = new ArrayList<>();
    for (PlatformSku s : skus) {
      if (seen.add(s.key())) {
        kept.add(s);
      }
    }
    this.skus = List.copyOf(kept);
    this.keys = Set.copyOf(seen);
    this.allowsAll = allowsAll;
  }

  /**
   * Azure's table of supported platform SKUs: Canonical UbuntuServer 16.04-LTS and 18.04-LTS,
   * OpenLogic CentOS 7.5, and MicrosoftWindowsServer WindowsServer 2012-R2-Datacenter,
   * 2016-Datacenter (also -smalldisk, -with-Containers) and 2019-Datacenter (also -smalldisk,
   * -with-Containers, -Core, -Core-with-Containers, -gensecond).
   */
  public static SupportedImages defaults() {
    return DEFAULTS;
  }

  /** No platform image at all: only Compute Gallery images are supported. */
  public static SupportedImages none() {
    return NONE;
  }

  /** Every platform image, for users who know their images qualify. */
  public static SupportedImages allowAll() {
    return ALL;
  }

  /** Exactly these platform SKUs (duplicates, ignoring case, kept once). */
  public static SupportedImages of(Collection<PlatformSku> skus) {
    return new SupportedImages(List.copyOf(skus), false);
  }

  /** This list plus one platform SKU. */
  public SupportedImages with(String publisher, String offer, String sku) {
    return with(new PlatformSku(publisher, offer, sku));
  }

  /** This list plus one platform SKU; this list itself when it already holds it. */
  public SupportedImages with(PlatformSku sku) {
    if (keys.contains(sku.key())) {
      return this;
    }
    List<PlatformSku> more = new ArrayList<>(skus);
    more.add(sku);
    return new SupportedImages(more, allowsAll);
  }

  /** The listed platform SKUs, in the order added. */
  public List<PlatformSku> skus() {
    return skus;
  }

  /** Whether every platform image is supported ({@link #allowAll()}). */
  public boolean allowsAll() {
    return allowsAll;
  }

  /**
   * Whether automatic OS upgrades support the image: a Compute Gallery image always; a platform
   * image when its publisher, offer and SKU are listed (ignoring case) or every one is allowed;
   * other custom images (managed image, VHD URI) never.
   */
  public boolean supports(ImageReference image) {
    if (image.isGalleryImage()) {
      return true;
    }
    if (image.form() != ImageReference.Form.PLATFORM) {
      return false;
    }
    return allowsAll || keys.contains(key(image.publisher().orElse(""), image.offer().orElse(""), image.sku().orElse("")));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SupportedImages && ((SupportedImages) other).allowsAll == allowsAll
        && ((SupportedImages) other).keys.equals(keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowsAll, keys);
  }

  /** {@code SupportedImages[P:O:S, ...]}, or {@code SupportedImages[all]}. */
  @Override
  public String toString() {
    return "SupportedImages" + (allowsAll ? "[all]" : skus.toString());
  }

  private static String key(String publisher, String offer, String sku) {
    return (publisher + ":" + offer + ":" + sku).toLowerCase(Locale.ROOT);
  }

  /**
   * One supported platform image SKU.
   *
   * @param publisher image publisher, e.g. {@code Canonical}
   * @param offer image offer, e.g. {@code UbuntuServer}
   * @param sku image SKU, e.g. {@code 18.04-LTS}
   */
  public record PlatformSku(String publisher, String offer, String sku) {
    /** Checks each part is non-blank and free of {@code ':'}. */
    public PlatformSku {
      for (String part : new String[] {publisher, offer, sku}) {
        if (part == null || part.isBlank() || part.indexOf(':') >= 0) {
          throw new IllegalArgumentException("publisher, offer and sku must be non-blank and without ':', got "
              + publisher + ":" + offer + ":" + sku);
        }
      }
    }

    /**
     * Parses {@code PUBLISHER:OFFER:SKU}, e.g. {@code Canonical:ubuntu-24_04-lts:server}.
     *
     * @throws IllegalArgumentException unless the text has three non-blank parts
     */
    public static PlatformSku parse(String text) {
      String[] parts = text.split(":", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "expected PUBLISHER:OFFER:SKU, e.g. Canonical:ubuntu-24_04-lts:server, got " + text);
      }
      return new PlatformSku(parts[0].trim(), parts[1].trim(), parts[2].trim());
    }

    private String key() {
      return SupportedImages.key(publisher, offer, sku);
    }

    /** {@code publisher:offer:sku}. */
    @Override
    public String toString() {
      return publisher + ":" + offer + ":" + sku;
    }
  }
}
