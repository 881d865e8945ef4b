package dev.rollingupgrade.samples;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutMember;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.json.JsonSyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a rollout description: {@code {"regionPairs": [["eastus", "westus"], ...], "scaleSets":
 * [{"name", "location", "zones", "capacity", "imageReference"}, ...]}}. Unknown fields are
 * ignored; every problem is reported at once under its JSON path, never coerced.
 */
final class RolloutFile {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final int MAX_SHOWN = 60;

  private RolloutFile() {}

  /** The scale sets of one image: a release concerns one image, so each image gets its own plan. */
  record ImageGroup(String image, List<RolloutMember> members) {}

  /** A rollout read from a file: its pairs and its scale sets by image (sorted by image). */
  record Rollout(RegionPairs pairs, List<ImageGroup> images, int scaleSetCount, int regionCount) {}

  /** Every problem of a document, each with its JSON path; a value {@code ""} means none to show. */
  static final class Problems extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Violation> violations;
    private final boolean notJson;

    Problems(List<Violation> violations) {
      this(violations, false);
    }

    private Problems(List<Violation> violations, boolean notJson) {
      super(violations.size() + (violations.size() == 1 ? " problem" : " problems"));
      this.violations = List.copyOf(violations);
      this.notJson = notJson;
    }

    /** The file is empty or not JSON at all (exit 2, as {@code validate}), rather than a rollout with problems. */
    boolean notJson() {
      return notJson;
    }

    List<Violation> violations() {
      return violations;
    }

    /** One line per problem: {@code <json path>: <message> (got <value>)}, as {@code validate} prints them. */
    List<String> lines() {
      return violations.stream().map(v -> v.value().isEmpty()
          ? (v.path().isEmpty() ? "(document)" : v.path()) + ": " + v.message() : v.toString()).toList();
    }
  }

  /**
   * Reads {@code json}; pairs start from {@code base} (none, or Azure's table).
   *
   * @throws Problems listing every problem found
   */
  static Rollout read(String json, RegionPairs base) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.startsWith("\uFEFF") ? json.substring(1) : json); // an editor's byte order mark
    } catch (JsonProcessingException e) {
      // the library's reader parses alike and words the problem plainly, without the parser's internals
      String why;
      try {
        AzureJson.checkSyntax(json);
        why = "not valid JSON: " + e.getOriginalMessage();
      } catch (JsonSyntaxException plain) {
        why = plain.getMessage();
      }
      throw new Problems(List.of(new Violation("", "", why)), true);
    }
    List<Violation> problems = new ArrayList<>();
    if (root == null || root.isMissingNode()) {
      throw new Problems(List.of(new Violation("", "", "the document is empty")), true);
    }
    if (!root.isObject()) {
      throw new Problems(List.of(new Violation("", show(root), "must be a JSON object with scaleSets and regionPairs")));
    }
    RegionPairs pairs = pairs(root.get("regionPairs"), base, problems);
    TreeMap<String, ImageGroup> images = new TreeMap<>(); // sorted: the same file prints the same way
    Set<String> regions = new HashSet<>();
    JsonNode sets = root.get("scaleSets");
    int count = 0;
    if (sets == null || sets.isNull()) {
      problems.add(new Violation("scaleSets", "null", "is required: the scale sets of the rollout"));
    } else if (!sets.isArray()) {
      problems.add(new Violation("scaleSets", show(sets), "must be a JSON array"));
    } else {
      Map<String, Integer> firstByName = new HashMap<>();
      for (int i = 0; i < sets.size(); i++) {
        String path = "scaleSets[" + i + "]";
        int before = problems.size();
        JsonNode set = sets.get(i);
        if (!set.isObject()) {
          problems.add(new Violation(path, show(set), "must be a JSON object"));
          continue;
        }
        String name = string(set, path, "name", problems);
        Integer first = name == null ? null : firstByName.putIfAbsent(name, i);
        if (first != null) {
          problems.add(new Violation(path + ".name", quote(name), "is taken by scaleSets[" + first + "]: names must be unique"));
        }
        String location = string(set, path, "location", problems);
        List<String> zones = zones(set.get("zones"), path + ".zones", problems);
        int capacity = capacity(set.get("capacity"), path + ".capacity", problems);
        ImageReference image = image(set.get("imageReference"), path + ".imageReference", problems);
        if (problems.size() == before) {
          RolloutMember member = new RolloutMember(name, location, zones, capacity);
          images.computeIfAbsent(image.display().toLowerCase(Locale.ROOT), k -> new ImageGroup(image.display(), new ArrayList<>()))
              .members().add(member);
          regions.add(member.region());
          count++;
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new Problems(problems);
    }
    return new Rollout(pairs, List.copyOf(images.values()), count, regions.size());
  }

  private static RegionPairs pairs(JsonNode node, RegionPairs base, List<Violation> problems) {
    RegionPairs pairs = base;
    if (node == null || node.isNull()) {
      return pairs;
    }
    if (!node.isArray()) {
      problems.add(new Violation("regionPairs", show(node), "must be a JSON array of [region, region] pairs"));
      return pairs;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode pair = node.get(i);
      String path = "regionPairs[" + i + "]";
      if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
        problems.add(new Violation(path, show(pair), "must be a pair of region names, e.g. [\"eastus\", \"westus\"]"));
        continue;
      }
      try {
        pairs = pairs.with(pair.get(0).asText(), pair.get(1).asText());
      } catch (IllegalArgumentException e) {
        problems.add(new Violation(path, show(pair), e.getMessage().replaceFirst("^region pair: ", "")));
      }
    }
    return pairs;
  }

  private static String string(JsonNode set, String path, String field, List<Violation> problems) {
    JsonNode value = set.get(field);
    if (value == null || value.isNull()) {
      problems.add(new Violation(path + "." + field, "null", "is required"));
    } else if (!value.isTextual()) {
      problems.add(new Violation(path + "." + field, show(value), "must be a string"));
    } else if (value.asText().isBlank()) {
      problems.add(new Violation(path + "." + field, show(value), "must not be blank"));
    } else {
      return value.asText();
    }
    return null;
  }

  private static List<String> zones(JsonNode node, String path, List<Violation> problems) {
    List<String> zones = new ArrayList<>();
    if (node == null || node.isNull()) {
      return zones; // a regional scale set
    }
    if (!node.isArray()) {
      problems.add(new Violation(path, show(node), "must be a JSON array of zone names, e.g. [\"1\", \"2\"]"));
      return zones;
    }
    for (int z = 0; z < node.size(); z++) {
      JsonNode zone = node.get(z);
      String at = path + "[" + z + "]";
      if (!zone.isTextual()) {
        problems.add(new Violation(at, show(zone), "must be a string, e.g. \"1\""));
      } else if (zone.asText().isBlank()) {
        problems.add(new Violation(at, show(zone), "must not be blank"));
      } else if (zones.contains(zone.asText())) {
        problems.add(new Violation(at, show(zone), "names a zone twice"));
      } else {
        zones.add(zone.asText());
      }
    }
    return zones;
  }

  private static int capacity(JsonNode node, String path, List<Violation> problems) {
    if (node == null || node.isNull()) {
      problems.add(new Violation(path, "null", "is required: the scale set's instance count"));
    } else if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0
        || node.longValue() > ScaleSet.MAX_CAPACITY) {
      problems.add(new Violation(path, show(node), "must be a whole number from 0 to " + ScaleSet.MAX_CAPACITY));
    } else {
      return node.intValue();
    }
    return 0;
  }

  private static ImageReference image(JsonNode node, String path, List<Violation> problems) {
    if (node == null || node.isNull()) {
      problems.add(new Violation(path, "null", "is required: publisher, offer, sku and version, or id"));
      return null;
    }
    if (!node.isObject()) {
      problems.add(new Violation(path, show(node), "must be a JSON object"));
      return null;
    }
    try {
      return AzureJson.readImageReference(node.toString());
    } catch (InvalidModelException e) {
      e.violations().forEach(v -> problems.add(v.under(path)));
      return null;
    }
  }

  private static String show(JsonNode node) {
    if (node != null && node.isFloatingPointNumber() && Double.isInfinite(node.doubleValue())) {
      return "a number too large for a double"; // the parser holds it as infinity, which is no JSON
    }
    String text = node == null ? "null" : node.toString();
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }
}
