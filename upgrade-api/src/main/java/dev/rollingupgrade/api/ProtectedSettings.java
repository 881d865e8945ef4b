package dev.rollingupgrade.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An extension's {@code protectedSettings}: a secret. Its content is only reachable through
 * {@link #reveal()}; {@link #toString()} prints {@code ***}, and the SDK never writes it to
 * logs, events, history or JSON meant for display. Immutable and thread-safe.
 */
public final class ProtectedSettings {
  private static final ProtectedSettings NONE = new ProtectedSettings(Map.of());

  private final Map<String, Object> content;

  private ProtectedSettings(Map<String, Object> content) {
    this.content = content;
  }

  /** No protected settings. */
  public static ProtectedSettings none() {
    return NONE;
  }

  /**
   * Wraps secret settings (JSON-like values: String, Number, Boolean, List, Map).
   *
   * @throws NullPointerException if {@code content} is null
   */
  public static ProtectedSettings of(Map<String, ?> content) {
    Objects.requireNonNull(content, "content");
    return content.isEmpty() ? NONE
        : new ProtectedSettings(Collections.unmodifiableMap(new LinkedHashMap<>(content)));
  }

  /** The secret content, for the driver that installs the extension. Handle with care. */
  public Map<String, Object> reveal() {
    return content;
  }

  /** Whether there are no protected settings. */
  public boolean isEmpty() {
    return content.isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ProtectedSettings && ((ProtectedSettings) other).content.equals(content);
  }

  @Override
  public int hashCode() {
    return content.hashCode();
  }

  /** Always {@code ***}: a secret never reaches a log line through {@code toString}. */
  @Override
  public String toString() {
    return "***";
  }
}
