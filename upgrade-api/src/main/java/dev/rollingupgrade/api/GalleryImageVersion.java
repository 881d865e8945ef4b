package dev.rollingupgrade.api;

import java.util.List;
import org.immutables.value.Value;

/**
 * A published version of a Compute Gallery image, as an {@link dev.rollingupgrade.api.spi.ImageCatalog}
 * reports it. "Latest" in a region is the highest version replicated there and not excluded
 * from latest. Immutable and thread-safe.
 */
@Value.Immutable
public interface GalleryImageVersion {
  /** A builder; {@code version} is required. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link GalleryImageVersion}; its checks run in {@code build()}. */
  final class Builder extends ImmutableGalleryImageVersion.Builder {
    Builder() {}
  }

  /** Version name, {@code major.minor.patch}. */
  String version();

  /** Regions the version is replicated to. */
  List<String> targetRegions();

  /** Whether the version is skipped when resolving {@code latest}; default false. */
  @Value.Default
  default boolean excludeFromLatest() {
    return false;
  }
}
