package dev.rollingupgrade.core.view;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON form of a {@link HeatMap}, written field by field so its order never changes. */
final class HeatMapJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private HeatMapJson() {}

  static String write(HeatMap map) {
    StringWriter text = new StringWriter(128 + map.size() * 64);
    try (JsonGenerator g = FACTORY.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("scaleSet", map.scaleSetName());
      g.writeStringField("runId", map.runId());
      g.writeStringField("time", map.time().toString());
      g.writeObjectFieldStart("counts");
      for (Map.Entry<CellState, Integer> e : map.counts().entrySet()) {
        g.writeNumberField(e.getKey().jsonName(), e.getValue());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("rows");
      for (HeatMap.Row row : map.rows()) {
        g.writeStartObject();
        g.writeNumberField("updateDomain", row.updateDomain());
        g.writeArrayFieldStart("cells");
        for (HeatMap.Cell c : row.cells()) {
          g.writeStartObject();
          g.writeStringField("instanceId", c.instanceId());
          g.writeFieldName("zone");
          if (c.zone().isPresent()) {
            g.writeString(c.zone().get());
          } else {
            g.writeNull();
          }
          g.writeStringField("state", c.state().jsonName());
          g.writeNumberField("batch", c.batch());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  static HeatMap read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a heat map: the text is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a heat map: expected a JSON object");
    }
    String scaleSet = text(root, "scaleSet", "scaleSet");
    String runId = text(root, "runId", "runId");
    String time = text(root, "time", "time");
    Instant at;
    try {
      at = Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("heat map field time: not an ISO-8601 instant: " + time, e);
    }
    JsonNode rows = root.get("rows");
    if (rows == null || !rows.isArray()) {
      throw new IllegalArgumentException("heat map field rows: expected an array");
    }
    List<HeatMap.Cell> cells = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      String path = "rows[" + r + "]";
      int ud = number(row, "updateDomain", path + ".updateDomain");
      JsonNode list = row.get("cells");
      if (list == null || !list.isArray()) {
        throw new IllegalArgumentException("heat map field " + path + ".cells: expected an array");
      }
      for (int k = 0; k < list.size(); k++) {
        JsonNode cell = list.get(k);
        String cellPath = path + ".cells[" + k + "]";
        JsonNode zone = cell.get("zone");
        if (zone != null && !zone.isNull() && !zone.isTextual()) {
          throw new IllegalArgumentException("heat map field " + cellPath + ".zone: expected a string or null");
        }
        CellState state;
        try {
          state = CellState.fromJsonName(text(cell, "state", cellPath + ".state"));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("heat map field " + cellPath + ".state: " + e.getMessage(), e);
        }
        cells.add(new HeatMap.Cell(text(cell, "instanceId", cellPath + ".instanceId"),
            zone == null || zone.isNull() ? Optional.empty() : Optional.of(zone.asText()), ud, state,
            number(cell, "batch", cellPath + ".batch")));
      }
    }
    HeatMap map = HeatMap.of(scaleSet, runId, at, cells);
    JsonNode counts = root.get("counts");
    if (counts != null) {
      for (CellState s : CellState.values()) {
        JsonNode n = counts.get(s.jsonName());
        if (n != null && (!n.canConvertToInt() || n.asInt() != map.count(s))) {
          throw new IllegalArgumentException("heat map field counts." + s.jsonName() + " is " + n + " but "
              + map.count(s) + " cells are " + s.jsonName());
        }
      }
    }
    return map;
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("heat map field " + path + ": expected a string");
    }
    return v.asText();
  }

  private static int number(JsonNode node, String field, String path) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
      throw new IllegalArgumentException("heat map field " + path + ": expected a whole number, 0 or more");
    }
    return v.asInt();
  }
}
