package dev.rollingupgrade.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.rollingupgrade.api.validation.Violation;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A position in a JSON tree with its path, reading fields strictly: a value of the wrong JSON
 * type is a problem (never coerced), {@code null} counts as absent, and every problem is
 * recorded with its path so a whole document is checked in one pass.
 */
final class Cursor {
  private static final int MAX_SHOWN = 60;

  private final JsonNode node;
  private final String path;
  private final List<Violation> problems;

  private Cursor(JsonNode node, String path, List<Violation> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  /** The root of a document; {@code problems} receives everything found. */
  static Cursor root(JsonNode node, List<Violation> problems) {
    return new Cursor(node, "", problems);
  }

  String path() {
    return path;
  }

  String pathOf(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  void problem(String field, JsonNode value, String message) {
    problems.add(new Violation(field == null ? path : pathOf(field), show(value), message));
  }

  void missing(String field, String what) {
    problems.add(new Violation(pathOf(field), "null", "is required: " + what));
  }

  /** The names of this object's fields, in document order (none for a non-object). */
  List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  /** Whether {@code field} holds a value (absent and JSON null count as no value). */
  boolean has(String field) {
    return value(field) != null;
  }

  /** The child object {@code field}, or empty if absent; a non-object is a problem. */
  Optional<Cursor> object(String field) {
    JsonNode child = value(field);
    if (child == null) {
      return Optional.empty();
    }
    if (!child.isObject()) {
      problem(field, child, "must be a JSON object");
      return Optional.empty();
    }
    return Optional.of(new Cursor(child, pathOf(field), problems));
  }

  /** The elements of array {@code field} (empty if absent); a non-array is a problem. */
  List<Cursor> array(String field) {
    JsonNode child = value(field);
    List<Cursor> items = new ArrayList<>();
    if (child == null) {
      return items;
    }
    if (!child.isArray()) {
      problem(field, child, "must be a JSON array");
      return items;
    }
    for (int i = 0; i < child.size(); i++) {
      items.add(new Cursor(child.get(i), pathOf(field) + "[" + i + "]", problems));
    }
    return items;
  }

  /** Array elements that are objects; others are problems. */
  List<Cursor> objects(String field) {
    List<Cursor> result = new ArrayList<>();
    for (Cursor item : array(field)) {
      if (item.node.isObject()) {
        result.add(item);
      } else {
        problems.add(new Violation(item.path, show(item.node), "must be a JSON object"));
      }
    }
    return result;
  }

  /** The string elements of array {@code field}; others are problems. */
  List<String> strings(String field) {
    List<String> result = new ArrayList<>();
    for (Cursor item : array(field)) {
      if (item.node.isTextual()) {
        result.add(item.node.textValue());
      } else {
        problems.add(new Violation(item.path, show(item.node), "must be a string"));
      }
    }
    return result;
  }

  Optional<String> string(String field) {
    return typed(field, JsonNodeType.STRING, "must be a string", JsonNode::textValue);
  }

  /** A required string; missing is a problem and reads as "" (so the rest can still be checked). */
  String requiredString(String field, String what) {
    Optional<String> value = string(field);
    if (value.isEmpty() && value(field) == null) {
      missing(field, what);
    }
    return value.orElse("");
  }

  Optional<Boolean> bool(String field) {
    return typed(field, JsonNodeType.BOOLEAN, "must be true or false", JsonNode::booleanValue);
  }

  Optional<Integer> integer(String field) {
    JsonNode child = value(field);
    if (child == null) {
      return Optional.empty();
    }
    if (!child.isIntegralNumber() || !child.canConvertToInt()) {
      problem(field, child, child.isIntegralNumber() ? "is out of range: a whole number from " + Integer.MIN_VALUE
          + " to " + Integer.MAX_VALUE : "must be a whole number");
      return Optional.empty();
    }
    return Optional.of(child.intValue());
  }

  Optional<Long> longValue(String field) {
    JsonNode child = value(field);
    if (child == null) {
      return Optional.empty();
    }
    if (!child.isIntegralNumber() || !child.canConvertToLong()) {
      problem(field, child, child.isIntegralNumber() ? "is out of range: a whole number from " + Long.MIN_VALUE
          + " to " + Long.MAX_VALUE : "must be a whole number");
      return Optional.empty();
    }
    return Optional.of(child.longValue());
  }

  Optional<Duration> duration(String field) {
    Optional<String> text = string(field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.parse(text.get()));
    } catch (DateTimeParseException e) {
      problem(field, value(field), "must be an ISO-8601 duration such as PT0S, PT30S or PT5M");
      return Optional.empty();
    }
  }

  Optional<Instant> instant(String field) {
    Optional<String> text = string(field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text.get()));
    } catch (DateTimeParseException e) {
      problem(field, value(field), "must be an ISO-8601 UTC time such as 2024-11-01T05:00:32.442Z");
      return Optional.empty();
    }
  }

  /** An enum spelled as Azure spells it (case-insensitive, as Azure accepts). */
  <E extends Enum<E>> Optional<E> enumValue(String field, E[] values, Function<E, String> azureName) {
    Optional<String> text = string(field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    for (E e : values) {
      if (azureName.apply(e).equalsIgnoreCase(text.get())) {
        return Optional.of(e);
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : values) {
      allowed.add(azureName.apply(e));
    }
    problem(field, value(field), "must be one of " + String.join(", ", allowed));
    return Optional.empty();
  }

  /** A JSON object as a map of plain Java values (String, Number, Boolean, List, Map); top-level nulls dropped. */
  Optional<Map<String, Object>> jsonObject(String field) {
    return object(field).map(c -> {
      Map<String, Object> map = new LinkedHashMap<>();
      c.node.properties().forEach(e -> {
        if (!e.getValue().isNull()) {
          map.put(e.getKey(), AzureJson.MAPPER.convertValue(e.getValue(), Object.class));
        }
      });
      return map;
    });
  }

  /** Like {@link #jsonObject} for a secret: a problem never shows the value. */
  Optional<Map<String, Object>> secretObject(String field) {
    JsonNode child = value(field);
    if (child != null && !child.isObject()) {
      problems.add(new Violation(pathOf(field), "***", "must be a JSON object"));
      return Optional.empty();
    }
    return jsonObject(field);
  }

  private <T> Optional<T> typed(String field, JsonNodeType type, String message, Function<JsonNode, T> read) {
    JsonNode child = value(field);
    if (child == null) {
      return Optional.empty();
    }
    if (child.getNodeType() != type) {
      problem(field, child, message);
      return Optional.empty();
    }
    return Optional.of(read.apply(child));
  }

  /** The field's value, or null when absent or JSON null. */
  private JsonNode value(String field) {
    JsonNode child = node.get(field);
    return child == null || child.isNull() ? null : child;
  }

  static String show(JsonNode value) {
    if (value == null) {
      return "null";
    }
    if (value.isFloatingPointNumber() && Double.isInfinite(value.doubleValue())) {
      return "a number too large for a double"; // the parser holds it as infinity, which is no JSON
    }
    String text = value.toString();
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }
}
