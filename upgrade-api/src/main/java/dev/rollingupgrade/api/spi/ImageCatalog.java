package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.GalleryImageVersion;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Published OS image versions, per region. Must be thread-safe. */
public interface ImageCatalog {
  /** Versions of a platform image available in {@code location}, in any order. */
  CompletionStage<List<String>> platformImageVersions(String location, String publisher, String offer,
      String sku);

  /** Versions of a Compute Gallery image definition, with their regions and exclusion flags. */
  CompletionStage<List<GalleryImageVersion>> galleryImageVersions(String galleryImageId);
}
