package dev.rollingupgrade.samples.dashboard;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.core.json.AzureJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The dashboard's JSON: the status it shows, the errors it answers, and the request bodies it reads. */
final class DashboardJson {
  private static final ObjectMapper MAPPER = mapper();

  private DashboardJson() {}

  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    // request bodies are small; these bound what a hostile one costs
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
        .maxNumberLength(64).maxStringLength(DashboardServer.MAX_BODY_BYTES).build());
    return mapper;
  }

  /**
   * The status document: {@code {"scaleSet","upgradeMode","run"}}, {@code run} null before the
   * first run, else its id, description, state, whether it is running, times, progress counts,
   * error and the Azure-shaped status ({@code azure}).
   */
  static String status(DashboardBackend backend) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("scaleSet", backend.scaleSetName());
    root.put("upgradeMode", backend.upgradeMode().azureName());
    Optional<DashboardRun> last = backend.lastRun();
    if (last.isEmpty()) {
      root.putNull("run");
      return root.toString();
    }
    DashboardRun run = last.get();
    RollingUpgradeStatus status = run.status();
    ObjectNode r = root.putObject("run");
    r.put("runId", run.runId());
    r.put("description", run.description());
    Optional<RunningStatus> running = status.runningStatus();
    Optional<RollingUpgradeStatusCode> code = running.flatMap(RunningStatus::code);
    r.put("state", code.map(RollingUpgradeStatusCode::azureName).orElse(null));
    r.put("running", code.map(c -> c == RollingUpgradeStatusCode.ROLLING_FORWARD).orElse(false));
    r.put("startTime", running.flatMap(RunningStatus::startTime).map(Object::toString).orElse(null));
    RollingUpgradeProgress p = status.progress().orElse(RollingUpgradeProgress.builder().build());
    ObjectNode progress = r.putObject("progress");
    progress.put("succeeded", p.successfulInstanceCount());
    progress.put("failed", p.failedInstanceCount());
    progress.put("inProgress", p.inProgressInstanceCount());
    progress.put("pending", p.pendingInstanceCount());
    progress.put("total", p.total());
    if (status.error().isPresent()) {
      ObjectNode error = r.putObject("error");
      error.put("code", status.error().get().code().orElse(null));
      error.put("message", status.error().get().message().orElse(null));
    } else {
      r.putNull("error");
    }
    r.set("azure", read(AzureJson.write(status)));
    return root.toString();
  }

  /** An action's answer: its message and the status after it. */
  static String actionResult(String message, DashboardBackend backend) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("message", message);
    root.set("status", read(status(backend)));
    return root.toString();
  }

  /** {@code {"error":{"code":...,"message":...}}}. */
  static String error(String code, String message) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return root.toString();
  }

  /**
   * Reads a request body: one JSON object with only the {@code allowed} fields (an empty body is
   * {@code {}}).
   *
   * @throws HttpError 400 naming what is wrong
   */
  static JsonNode object(byte[] body, Set<String> allowed) {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try (JsonParser parser = MAPPER.createParser(body)) {
      node = MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        throw new HttpError(400, "InvalidJson", "the request body is not valid JSON: more follows its value (line "
            + at.getLineNr() + ", column " + at.getColumnNr() + ")");
      }
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "InvalidJson", "the request body is not valid JSON: " + describe(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || node.isMissingNode()) {
      return MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw new HttpError(400, "InvalidRequest", "the request body must be a JSON object, got " + kind(node));
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new HttpError(400, "InvalidRequest", "unknown field" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown) + (allowed.isEmpty() ? ": this request takes no fields"
          : ": this request takes " + String.join(", ", allowed.stream().sorted().toList())));
    }
    return node;
  }

  /**
   * A required whole-number field.
   *
   * @throws HttpError 400 when it is missing or not a whole number that fits an int
   */
  static int intField(JsonNode object, String name) {
    JsonNode v = object.get(name);
    if (v == null) {
      throw new HttpError(400, "InvalidRequest", "missing field " + name + " (a whole number)");
    }
    if (!v.isIntegralNumber()) {
      throw new HttpError(400, "InvalidRequest", "field " + name + " must be a whole number, got " + kind(v));
    }
    if (!v.canConvertToInt()) {
      throw new HttpError(400, "InvalidRequest", "field " + name + " is out of range: " + v.asText());
    }
    return v.intValue();
  }

  /**
   * A required array of strings.
   *
   * @throws HttpError 400 when it is missing, not an array or holds anything but strings
   */
  static List<String> stringArray(JsonNode object, String name) {
    JsonNode v = object.get(name);
    if (v == null) {
      throw new HttpError(400, "InvalidRequest", "missing field " + name + " (an array of instance ids)");
    }
    if (!v.isArray()) {
      throw new HttpError(400, "InvalidRequest", "field " + name + " must be an array of strings, got " + kind(v));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : (ArrayNode) v) {
      if (!item.isTextual()) {
        throw new HttpError(400, "InvalidRequest", "field " + name + " must hold only strings, got " + kind(item));
      }
      out.add(item.textValue());
    }
    return out;
  }

  /** The parser's complaint and where, without the names of the library's classes. */
  private static String describe(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
    if (message.isEmpty() || message.contains("com.fasterxml") || message.contains("java.")
        || message.contains("Exception")) {
      message = "it cannot be read";
    }
    JsonLocation at = e.getLocation();
    return message + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
  }

  private static String kind(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isNumber()) {
      return v.isIntegralNumber() ? "the number " + v.asText() : "a decimal number";
    }
    return v.isArray() ? "an array" : "an object";
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the dashboard wrote invalid JSON: " + e.getOriginalMessage());
    }
  }
}
