package dev.rollingupgrade.api.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a model value or a JSON document is invalid. Lists every violation at once,
 * each with its JSON path, the value found and what is allowed; never carries secrets.
 */
public final class InvalidModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;

  /**
   * @param subject what was being built or read, e.g. {@code "RollingUpgradePolicy"}
   * @param violations at least one violation
   */
  public InvalidModelException(String subject, List<Violation> violations) {
    super(render(subject, violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidModelException needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  /** Every violation, in the order found. */
  public List<Violation> violations() {
    return violations;
  }

  private static String render(String subject, List<Violation> violations) {
    String header = "Invalid " + subject + ": " + violations.size()
        + (violations.size() == 1 ? " problem" : " problems");
    return violations.stream()
        .map(v -> "  " + v)
        .collect(Collectors.joining("\n", header + "\n", ""));
  }
}
