package dev.rollingupgrade.api.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects the violations of one value being built, then throws them together.
 *
 * <p>Model types call this from their {@code @Value.Check}. A reader of a whole document
 * (the JSON codec) wraps its work in {@link #collectAll(String, Supplier)} so that violations
 * of nested values are gathered under their JSON paths instead of stopping at the first
 * one; the reader then throws one exception for the whole document and never hands out the
 * values it built. Not thread-safe: one instance per check.
 */
public final class Violations {
  private static final ThreadLocal<Scope> SCOPE = new ThreadLocal<>();

  private final String subject;
  private final List<Violation> found = new ArrayList<>();

  private Violations(String subject) {
    this.subject = subject;
  }

  /** Starts the checks of one value; {@code subject} names its type in messages. */
  public static Violations of(String subject) {
    return new Violations(subject);
  }

  /** Records a violation at {@code path} (relative to the value being checked). */
  public Violations add(String path, Object value, String message) {
    found.add(new Violation(path, String.valueOf(value), message));
    return this;
  }

  /** Records a violation unless {@code min <= value <= max}. */
  public Violations range(String path, long value, long min, long max) {
    if (value < min || value > max) {
      add(path, value, "must be between " + min + " and " + max);
    }
    return this;
  }

  /** Records a violation unless the text has a non-blank value. */
  public Violations notBlank(String path, String value) {
    if (value == null || value.isBlank()) {
      add(path, value == null ? "null" : '"' + value + '"', "must not be blank");
    }
    return this;
  }

  /** Records a violation unless {@code min <= value <= max}. */
  public Violations durationRange(String path, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      add(path, value, "must be an ISO-8601 duration between " + min + " and " + max);
    }
    return this;
  }

  /** The violations recorded so far. */
  public List<Violation> found() {
    return List.copyOf(found);
  }

  /**
   * Throws an {@link InvalidModelException} listing every recorded violation; inside
   * {@link #collectAll} hands them to the enclosing collection instead.
   */
  public void throwIfAny() {
    if (found.isEmpty()) {
      return;
    }
    Scope scope = SCOPE.get();
    if (scope != null) {
      found.forEach(v -> scope.collected.add(v.under(scope.prefix)));
      return;
    }
    throw new InvalidModelException(subject, found);
  }

  /**
   * Runs {@code reader}, gathering the violations of every value it builds instead of failing
   * at the first; then throws one {@link InvalidModelException} with all of them (plus
   * the problems the reader found itself, which replace the violations of the values at or
   * under the same paths), or returns the result if there are none.
   *
   * @param subject names the document in the exception message
   * @param reader builds values; it must not let them escape, since some may be invalid
   */
  public static <T> T collectAll(String subject, Supplier<Collected<T>> reader) {
    Scope outer = SCOPE.get();
    Scope scope = new Scope();
    SCOPE.set(scope);
    Collected<T> result;
    try {
      result = reader.get();
    } finally {
      if (outer == null) {
        SCOPE.remove();
      } else {
        SCOPE.set(outer);
      }
    }
    List<Violation> all = new ArrayList<>(result.problems());
    for (Violation v : scope.collected) {
      // the reader's own report (wrong type, missing field) is the more precise one
      if (result.problems().stream().noneMatch(p -> covers(p.path(), v.path()))) {
        all.add(v);
      }
    }
    // one order for every run: grouped by path, stable within a path
    all.sort(Comparator.comparing(Violation::path));
    if (!all.isEmpty()) {
      throw new InvalidModelException(subject, all);
    }
    return result.value();
  }

  private static boolean covers(String outer, String inner) {
    return inner.equals(outer) || inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
  }

  /**
   * Builds a value whose violations, if any, are reported under {@code path}. Must run
   * inside {@link #collectAll}; outside it the violations are thrown as usual.
   */
  public static <T> T at(String path, Supplier<T> builder) {
    Scope scope = SCOPE.get();
    if (scope == null) {
      return builder.get();
    }
    String saved = scope.prefix;
    scope.prefix = path;
    try {
      return builder.get();
    } finally {
      scope.prefix = saved;
    }
  }

  /**
   * What a reader produced: a value (possibly null when it could not be built) and the
   * problems the reader itself found (types, syntax, missing fields), with full paths.
   *
   * @param value the value read
   * @param problems violations found while reading
   */
  public record Collected<T>(T value, List<Violation> problems) {}

  private static final class Scope {
    private final List<Violation> collected = new ArrayList<>();
    private String prefix = "";
  }
}
