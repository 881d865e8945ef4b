package dev.rollingupgrade.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.api.validation.Violations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and writes the SDK's model in the JSON shape of the Azure Compute REST API: a scale set
 * as {@code az vmss show} or a {@code GET} returns it, instances as the VM list returns them, the
 * {@code rollingUpgrades/latest} status and the {@code osUpgradeHistory} list.
 *
 * <p>Reading is strict and complete: unknown fields are ignored, but a value of the wrong type
 * is never coerced, and every problem in the document (types, ranges, missing fields, upgrade
 * policy requirements) is reported at once in one {@link InvalidModelException}, each under
 * its JSON path. Malformed JSON fails with a {@link JsonSyntaxException} naming line and column.
 * Writing produces every field, defaults included; extension {@code protectedSettings} are
 * written as {@code ***} unless {@link SecretHandling#INCLUDED} is asked for. Durations are
 * ISO-8601 and enums are spelled as Azure spells them. Reading what was written gives an equal
 * value. What the Azure scale set document lacks has an SDK field of its own: the Service Fabric
 * cluster's node type is {@code properties.serviceFabricNodeType}
 * ({@code {"durabilityLevel": "Silver", "isStateless": false}}). All methods are static and
 * thread-safe.
 */
public final class AzureJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern CONTROL_CHARACTER = Pattern.compile("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

  private AzureJson() {}

  /** Reads a scale set document. */
  public static ScaleSet readScaleSet(String json) {
    return read(json, "scale set", AzureJsonReader::scaleSet);
  }

  /**
   * Reads a scale set document that may lack its name, such as the body of a {@code PUT} or
   * {@code PATCH} request (the name is in the URL there): a document without {@code name} reads
   * as named {@code nameIfAbsent}; a document with one keeps its own.
   *
   * @param nameIfAbsent the name to use when the document has none, e.g. the last segment of the URL
   * @throws NullPointerException if {@code nameIfAbsent} is null
   */
  public static ScaleSet readScaleSet(String json, String nameIfAbsent) {
    java.util.Objects.requireNonNull(nameIfAbsent, "nameIfAbsent");
    return read(json, "scale set", root -> AzureJsonReader.scaleSet(root, nameIfAbsent), false);
  }

  /**
   * The fields of a scale set document that Azure's scale set schema does not know (typos,
   * mostly: {@code maxBatchInstancePerc} would silently leave {@code maxBatchInstancePercent} at
   * its default), each as a {@link Violation} with its JSON path and, when one is close, the
   * field meant. Checked where the SDK reads the document (the upgrade policy, image, extensions,
   * health probe, Service Fabric node type and the objects that hold them); parts the SDK does not
   * read, such as {@code osProfile} or {@code networkProfile} beyond the health probe, are left
   * alone. Not an error: {@link #readScaleSet(String)} ignores these fields.
   *
   * @throws JsonSyntaxException when {@code json} is not well-formed
   */
  public static List<Violation> unknownFields(String json) {
    return ScaleSetFields.unknown(parse(json));
  }

  /**
   * Checks that {@code json} is one well-formed JSON value (a leading byte order mark is
   * allowed), as every reader here does first.
   *
   * @throws JsonSyntaxException naming the line, the column and what is wrong, in plain words
   */
  public static void checkSyntax(String json) {
    parse(json);
  }

  /**
   * Reads a scale set document from a file (see {@link JsonFile#read(Path)}: at most 64 MiB,
   * UTF-8 or UTF-16 with a byte order mark).
   *
   * @throws JsonFile.Unreadable if the file cannot be read as JSON text, with why in plain words
   */
  public static ScaleSet readScaleSet(Path file) {
    return readScaleSet(JsonFile.read(file));
  }

  /** Reads a rolling upgrade policy object (the value of {@code rollingUpgradePolicy}). */
  public static RollingUpgradePolicy readRollingUpgradePolicy(String json) {
    return read(json, "rolling upgrade policy", AzureJsonReader::rollingUpgradePolicy);
  }

  /**
   * Reads instances: a JSON array of VM documents, or a VM list response ({@code {"value": [...]}});
   * an object without a {@code value} array (an empty object, a scale set, a typo) is a problem.
   */
  public static List<Instance> readInstances(String json) {
    return readList(json, "instance list", root -> {
      Map<String, String> seen = new HashMap<>(); // lookups only
      return readList(root, c -> {
        Instance vm = AzureJsonReader.instance(c);
        String first = seen.putIfAbsent(vm.instanceId(), c.path());
        if (first != null) { // one instance listed twice would be upgraded twice
          c.problem("instanceId", com.fasterxml.jackson.databind.node.TextNode.valueOf(vm.instanceId()),
              "duplicate instance id, also at " + first);
        }
        return vm;
      });
    });
  }

  /** Reads a {@code rollingUpgrades/latest} response. */
  public static RollingUpgradeStatus readRollingUpgradeStatus(String json) {
    return read(json, "rolling upgrade status", AzureJsonReader::rollingUpgradeStatus);
  }

  /**
   * Reads an {@code osUpgradeHistory} response ({@code {"value": [...]}}) or a JSON array of
   * entries; an object without a {@code value} array is a problem.
   */
  public static List<UpgradeHistoryEntry> readHistory(String json) {
    return readList(json, "OS upgrade history", root -> readList(root, AzureJsonReader::historyEntry));
  }

  /** Reads one image reference object ({@code storageProfile.imageReference} shape, {@code uri} allowed). */
  public static ImageReference readImageReference(String json) {
    return read(json, "image reference", root -> AzureJsonReader.imageReference(Optional.of(root), Optional.empty(), ""));
  }

  /** Reads one {@code targetExtension} object (an SDK addition to history entries). */
  public static TargetExtension readTargetExtension(String json) {
    return read(json, "target extension", AzureJsonReader::targetExtension);
  }

  /** Writes one {@code targetExtension} object. */
  public static String write(TargetExtension target) {
    return text(new AzureJsonWriter(SecretHandling.MASKED).targetExtension(target));
  }

  /** Reads one entry of an {@code osUpgradeHistory} response. */
  public static UpgradeHistoryEntry readHistoryEntry(String json) {
    return read(json, "OS upgrade history entry", AzureJsonReader::historyEntry);
  }

  /** Writes one image reference object. */
  public static String write(ImageReference image) {
    return text(new AzureJsonWriter(SecretHandling.MASKED).imageReference(image));
  }

  /** Writes one entry of an {@code osUpgradeHistory} response. */
  public static String write(UpgradeHistoryEntry entry) {
    return text(new AzureJsonWriter(SecretHandling.MASKED).historyEntry(entry));
  }

  /** Writes a scale set with secrets masked. */
  public static String write(ScaleSet scaleSet) {
    return write(scaleSet, SecretHandling.MASKED);
  }

  /** Writes a scale set, with secrets as asked. */
  public static String write(ScaleSet scaleSet, SecretHandling secrets) {
    return text(new AzureJsonWriter(secrets).scaleSet(scaleSet));
  }

  /** Writes a rolling upgrade policy object. */
  public static String write(RollingUpgradePolicy policy) {
    return text(new AzureJsonWriter(SecretHandling.MASKED).rollingUpgradePolicy(policy));
  }

  /** Writes a {@code rollingUpgrades/latest} response. */
  public static String write(RollingUpgradeStatus status) {
    return text(new AzureJsonWriter(SecretHandling.MASKED).rollingUpgradeStatus(status));
  }

  /** Writes instances as a VM list response ({@code {"value": [...]}}). */
  public static String writeInstances(List<Instance> instances) {
    AzureJsonWriter writer = new AzureJsonWriter(SecretHandling.MASKED);
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode value = root.putArray("value");
    instances.forEach(i -> value.add(writer.instance(i)));
    return text(root);
  }

  /** Writes an {@code osUpgradeHistory} response ({@code {"value": [...]}}), newest first as given. */
  public static String writeHistory(List<UpgradeHistoryEntry> history) {
    AzureJsonWriter writer = new AzureJsonWriter(SecretHandling.MASKED);
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode value = root.putArray("value");
    history.forEach(h -> value.add(writer.historyEntry(h)));
    return text(root);
  }

  private static <T> List<T> readList(Cursor root, Function<Cursor, T> item) {
    List<T> result = new ArrayList<>();
    if (!root.has("value")) {
      // an empty object, another kind of document or a typo must not read as an empty list
      List<String> fields = root.fieldNames();
      root.problem("value", null, "no `value` array: a list response holds its items in one (a bare JSON array is "
          + "read as one too); " + (fields.isEmpty() ? "the document is an empty object"
              : "the document has " + String.join(", ", fields.subList(0, Math.min(8, fields.size())))
                  + (fields.size() > 8 ? ", ..." : "")));
      return result;
    }
    for (Cursor c : root.objects("value")) {
      result.add(item.apply(c));
    }
    return result;
  }

  /** A list document: a bare array reads like a list response ({@code {"value": [...]}}). */
  private static <T> T readList(String json, String subject, Function<Cursor, T> reader) {
    return read(json, subject, reader, true);
  }

  private static <T> T read(String json, String subject, Function<Cursor, T> reader) {
    return read(json, subject, reader, false);
  }

  private static <T> T read(String json, String subject, Function<Cursor, T> reader, boolean list) {
    JsonNode tree = parse(json);
    if (list && tree.isArray()) {
      ObjectNode wrapper = MAPPER.createObjectNode();
      wrapper.set("value", tree);
      tree = wrapper;
    }
    if (!tree.isObject()) {
      throw new InvalidModelException(subject, List.of(
          new Violation("", tree.getNodeType().toString().toLowerCase(Locale.ROOT),
              "the " + subject + " document must be a JSON object, got " + (tree.isArray() ? "an array"
                  : tree.getNodeType().toString().toLowerCase(Locale.ROOT)))));
    }
    Cursor root;
    List<Violation> problems = new ArrayList<>();
    root = Cursor.root(tree, problems);
    return Violations.collectAll(subject, () -> {
      T value = reader.apply(root);
      return new Violations.Collected<>(value, problems);
    });
  }

  private static JsonNode parse(String json) {
    // a byte order mark some editors write is not part of the JSON text
    String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
    try {
      JsonNode tree = MAPPER.readTree(text);
      if (tree == null || tree.isMissingNode()) {
        throw new JsonSyntaxException("the document is empty", 1, 1, null);
      }
      return tree;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      int line = at == null ? 0 : at.getLineNr();
      int column = at == null ? 0 : at.getColumnNr();
      throw new JsonSyntaxException(plain(e.getOriginalMessage()), line, column, e);
    }
  }

  /**
   * Jackson's message in plain words: without its parser internals (source descriptions, feature,
   * constraint and class names), with positions as {@code line L, column C}.
   */
  static String plain(String message) {
    String m = message.replaceAll("\\[Source: [^;\\]]*;\\s*", "[")
        .replaceAll("\\[line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
        .replaceAll("\\(start marker at (line \\d+, column \\d+)\\)", "(opened at $1)")
        .replaceAll("\\(for (Array|Object) starting at (line \\d+, column \\d+)\\)", "(for the $1 opened at $2)")
        .replaceAll("^Trailing token .*", "more JSON after the end of the document: a file holds one JSON value")
        .replaceAll(": maybe a \\(non-standard\\) comment\\?.*", ": JSON has no comments")
        .replaceAll("^Non-standard token '([^']*)': enable `[^`]*` to allow", "$1 is not a JSON number")
        .replaceAll(": JSON spec does not allow numbers to have plus signs: enable `[^`]*` to allow",
            ": a JSON number has no plus sign")
        .replaceAll(",?\\s*from `[^`]*`", "")
        .replaceAll("\\s*\\(`[A-Za-z.]+` (disabled|enabled)\\)", "")
        .replaceAll(":?\\s*(enable|disable) `[^`]*` to allow", "");
    return CONTROL_CHARACTER.matcher(m).replaceAll(r ->
        String.format(Locale.ROOT, "(control character U+%04X)", Integer.parseInt(r.group(1))));
  }


  private static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always serializes
      throw new IllegalStateException(e);
    }
  }
}
