package dev.rollingupgrade.core.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.HealthState;
import java.util.Locale;

/** What one probe said, and why when it is not plainly healthy. */
record ProbeVerdict(HealthState state, String reason) {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String RICH_STATE = "ApplicationHealthState";

  static ProbeVerdict healthy(String reason) {
    return new ProbeVerdict(HealthState.HEALTHY, reason);
  }

  static ProbeVerdict unhealthy(String reason) {
    return new ProbeVerdict(HealthState.UNHEALTHY, reason);
  }

  /**
   * An HTTP answer: a 2xx is healthy when its body is empty or says {@code "ApplicationHealthState":
   * "Healthy"}, unhealthy when it says {@code "Unhealthy"} (case ignored), and {@code UNKNOWN} when
   * the body is anything else (not JSON, not an object, no such field, another value). Any other
   * status is unhealthy.
   */
  static ProbeVerdict ofHttp(int status, String body) {
    if (status < 200 || status > 299) {
      return unhealthy("HTTP " + status);
    }
    if (body == null || body.isBlank()) {
      return healthy("HTTP " + status);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      return new ProbeVerdict(HealthState.UNKNOWN, "HTTP " + status + " with a malformed body (not JSON): "
          + excerpt(body));
    }
    if (root == null || !root.isObject()) {
      return new ProbeVerdict(HealthState.UNKNOWN, "HTTP " + status + " with a body that is not a JSON object: "
          + excerpt(body));
    }
    JsonNode state = root.get(RICH_STATE);
    if (state == null || !state.isTextual()) {
      return new ProbeVerdict(HealthState.UNKNOWN, "HTTP " + status + " with a body without a text "
          + RICH_STATE + ": " + excerpt(body));
    }
    switch (state.asText().trim().toLowerCase(Locale.ROOT)) {
      case "healthy":
        return healthy("HTTP " + status + ", " + RICH_STATE + " Healthy");
      case "unhealthy":
        return unhealthy("HTTP " + status + ", " + RICH_STATE + " Unhealthy");
      default:
        return new ProbeVerdict(HealthState.UNKNOWN, "HTTP " + status + " with " + RICH_STATE + " \""
            + excerpt(state.asText()) + "\" (expected Healthy or Unhealthy)");
    }
  }

  /** At most 80 characters of {@code text}, control characters dropped: safe for a log line. */
  static String excerpt(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
