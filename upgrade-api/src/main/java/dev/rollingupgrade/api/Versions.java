package dev.rollingupgrade.api;

import java.util.Comparator;
import java.util.Optional;

/**
 * Dotted versions of images and extensions ({@code 18.04.202402010}, {@code 1.10}): their order
 * and major version. Parts compare numerically when both are numbers ({@code 1.10} after
 * {@code 1.9}); a number comes before any text part, and text parts compare as text — a total
 * order. A missing part counts as {@code 0}, so {@code 1.1} equals {@code 1.1.0}. Automatic
 * upgrades consider only {@link #isNumeric numeric} versions.
 */
public final class Versions {
  /** The order of {@link #compare}. */
  public static final Comparator<String> ORDER = Versions::compare;

  private Versions() {}

  /** Negative, zero or positive as {@code a} is before, equal to or after {@code b}. */
  public static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      boolean pn = isNumber(p);
      boolean qn = isNumber(q);
      // numbers before text keeps the order transitive ("1a" > "10" > "9" but "1a" < "9" as text alone)
      int c = pn && qn ? compareNumbers(p, q) : pn != qn ? (pn ? -1 : 1) : p.compareTo(q);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Whether every dotted part of {@code version} is a number ({@code 18.04.2}, not {@code 18.04.3-preview}). */
  public static boolean isNumeric(String version) {
    if (version == null || version.isEmpty()) {
      return false;
    }
    for (String part : version.split("\\.", -1)) {
      if (!isNumber(part)) {
        return false;
      }
    }
    return true;
  }

  /** The first part of {@code version} when it is a number ({@code 2} for {@code 2.0.7}). */
  public static Optional<Long> major(String version) {
    String first = version.split("\\.", 2)[0];
    return isNumber(first) && first.length() <= 18 ? Optional.of(Long.parseLong(first)) : Optional.empty();
  }

  private static boolean isNumber(String part) {
    if (part.isEmpty()) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      if (part.charAt(i) < '0' || part.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Numbers of any length, without parsing them: fewer digits (leading zeros aside) is smaller. */
  private static int compareNumbers(String p, String q) {
    String a = stripZeros(p);
    String b = stripZeros(q);
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  private static String stripZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }
}
