package dev.rollingupgrade.api.validation;

import java.util.Objects;

/**
 * One problem with a model value: where it is (a JSON path in the Azure REST shape, such as
 * {@code properties.upgradePolicy.rollingUpgradePolicy.maxBatchInstancePercent}), the value
 * found, and what is allowed.
 *
 * @param path JSON path of the offending field; empty for the value as a whole
 * @param value the offending value as text ({@code "***"} for secrets, {@code "null"} when missing)
 * @param message what is wrong and what is allowed
 */
public record Violation(String path, String value, String message) {

  /** Checks that no component is null. */
  public Violation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(message, "message");
  }

  /** This violation moved under {@code prefix} (a JSON path of an enclosing object). */
  public Violation under(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    if (path.isEmpty()) {
      return new Violation(prefix, value, message);
    }
    String joiner = path.startsWith("[") ? "" : ".";
    return new Violation(prefix + joiner + path, value, message);
  }

  /** {@code <path>: <message> (got <value>)}, the form the {@code validate} command prints. */
  @Override
  public String toString() {
    String where = path.isEmpty() ? "(document)" : path;
    return where + ": " + message + " (got " + value + ")";
  }
}
