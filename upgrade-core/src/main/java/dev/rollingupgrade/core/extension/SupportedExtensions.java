package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The extensions (publisher and type) that support automatic upgrade. {@link #defaults()} is
 * Azure's list — the Dependency Agent and the Application Health extension, for Windows and
 * Linux; publishers add extensions over time, so a user extends it
 * ({@code SupportedExtensions.defaults().with(publisher, type)}) or replaces it ({@link #of}).
 * Publisher and type compare ignoring case. Immutable and thread-safe.
 */
public final class SupportedExtensions {
  private static final SupportedExtensions DEFAULTS = of(List.of(
      new ExtensionType("Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentWindows"),
      new ExtensionType("Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentLinux"),
      new ExtensionType(Extension.HEALTH_EXTENSION_PUBLISHER, "ApplicationHealthWindows"),
      new ExtensionType(Extension.HEALTH_EXTENSION_PUBLISHER, "ApplicationHealthLinux")));

  private final List<ExtensionType> types;
  private final Set<String> keys;

  private SupportedExtensions(List<ExtensionType> types) {
    Set<String> seen = new LinkedHashSet<>();
    List<ExtensionType> kept = new ArrayList<>();
    for (ExtensionType t : types) {
      if (seen.add(t.key())) {
        kept.add(t);
      }
    }
    this.types = List.copyOf(kept);
    this.keys = Set.copyOf(seen);
  }

  /** Azure's list: DependencyAgentWindows and DependencyAgentLinux, ApplicationHealthWindows and ApplicationHealthLinux. */
  public static SupportedExtensions defaults() {
    return DEFAULTS;
  }

  /** Exactly these extension types (duplicates, ignoring case, kept once). */
  public static SupportedExtensions of(Collection<ExtensionType> types) {
    return new SupportedExtensions(List.copyOf(types));
  }

  /** This list and {@code publisher}/{@code type}. */
  public SupportedExtensions with(String publisher, String type) {
    List<ExtensionType> more = new ArrayList<>(types);
    more.add(new ExtensionType(publisher, type));
    return new SupportedExtensions(more);
  }

  /** Whether {@code extension}'s publisher and type are on the list. */
  public boolean supports(Extension extension) {
    return keys.contains(new ExtensionType(extension.publisher(), extension.type()).key());
  }

  /** The types on the list, in the order given. */
  public List<ExtensionType> types() {
    return types;
  }

  @Override
  public String toString() {
    return types.toString();
  }

  /**
   * An extension's publisher and type.
   *
   * @param publisher e.g. {@code Microsoft.Azure.Monitoring.DependencyAgent}; not blank
   * @param type e.g. {@code DependencyAgentLinux}; not blank
   */
  public record ExtensionType(String publisher, String type) {
    /** Checks that both are given. */
    public ExtensionType {
      if (publisher == null || publisher.isBlank() || type == null || type.isBlank()) {
        throw new IllegalArgumentException("an extension type needs a publisher and a type, got " + publisher + "/"
            + type);
      }
    }

    /**
     * Parses {@code PUBLISHER:TYPE}.
     *
     * @throws IllegalArgumentException naming the expected form when it is not that
     */
    public static ExtensionType parse(String text) {
      String[] parts = text == null ? new String[0] : text.split(":", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("expected PUBLISHER:TYPE (e.g. Microsoft.Azure.Monitoring.DependencyAgent:"
            + "DependencyAgentLinux), got '" + text + "'");
      }
      return new ExtensionType(parts[0].trim(), parts[1].trim());
    }

    String key() {
      return (publisher + "/" + type).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return publisher + "/" + type;
    }
  }
}
