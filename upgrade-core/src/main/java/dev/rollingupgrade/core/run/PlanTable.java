package dev.rollingupgrade.core.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The instances a run planned with, as one journal attribute: a JSON array of
 * {@code [id, zone or null, update domain, "t" at target / "p" protected / "", health]}, so a
 * resumed run rebuilds exactly the same plan.
 */
final class PlanTable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PlanTable() {}

  static String write(List<InstanceSnapshot> table) {
    StringWriter text = new StringWriter(table.size() * 28 + 16);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(text)) { // streamed: no tree of a million rows
      json.writeStartArray();
      for (InstanceSnapshot s : table) {
        json.writeStartArray();
        json.writeString(s.instanceId());
        if (s.zone().isPresent()) {
          json.writeString(s.zone().get());
        } else {
          json.writeNull();
        }
        json.writeNumber(s.updateDomain());
        json.writeString(!s.needsUpgrade() ? "t" : s.protectedFromScaleSetActions() ? "p" : "");
        json.writeString(s.health().name());
        json.writeEndArray();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return text.toString();
  }

  static List<InstanceSnapshot> read(String json) {
    try {
      JsonNode rows = MAPPER.readTree(json);
      List<InstanceSnapshot> table = new ArrayList<>(rows.size());
      for (JsonNode row : rows) {
        String flags = row.get(3).asText();
        table.add(new InstanceSnapshot(row.get(0).asText(),
            row.get(1).isNull() ? Optional.empty() : Optional.of(row.get(1).asText()), row.get(2).asInt(),
            HealthState.valueOf(row.get(4).asText()), !flags.equals("t"), flags.equals("p")));
      }
      return table;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("the journal's plan of instances cannot be read: " + e.getMessage(), e);
    }
  }
}
