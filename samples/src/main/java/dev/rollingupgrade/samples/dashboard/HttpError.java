package dev.rollingupgrade.samples.dashboard;

/**
 * A request the dashboard refuses: its HTTP status, a stable error code and a message for people.
 * Carries no stack trace: it is an answer, not a fault.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;

  HttpError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }
}
