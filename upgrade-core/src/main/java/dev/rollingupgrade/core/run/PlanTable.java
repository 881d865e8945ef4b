package dev.rollingupgrade.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
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
    ArrayNode rows = MAPPER.createArrayNode();
    for (InstanceSnapshot s : table) {
      ArrayNode row = rows.addArray();
      row.add(s.instanceId());
      if (s.zone().isPresent()) {
        row.add(s.zone().get());
      } else {
        row.addNull();
      }
      row.add(s.updateDomain());
      row.add(!s.needsUpgrade() ? "t" : s.protectedFromScaleSetActions() ? "p" : "");
      row.add(s.health().name());
    }
    return rows.toString();
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
