package dev.rollingupgrade.api.spi;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Published versions of VM extensions, per region. Must be thread-safe. */
public interface ExtensionCatalog {
  /** Versions of the extension {@code publisher}/{@code type} available in {@code location}. */
  CompletionStage<List<String>> versions(String location, String publisher, String type);
}
