package dev.rollingupgrade.core.auto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.ApiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * How a rollout's plan and waves are written in its journal (JSON text in record attributes) and
 * read back. The record kinds of a rollout journal are the constants below; the first one is
 * {@link #STARTED}, which is how a journal is told apart from a run's.
 */
final class RolloutJournal {
  static final String STARTED = "ROLLOUT_STARTED";
  static final String WAVE_STARTED = "ROLLOUT_WAVE_STARTED";
  static final String REMOVED = "ROLLOUT_MEMBER_REMOVED";
  static final String CANCEL_REQUESTED = "ROLLOUT_CANCEL_REQUESTED";
  static final String MEMBER_ENDED = "ROLLOUT_MEMBER_ENDED";
  static final String FINISHED = "ROLLOUT_FINISHED";
  static final int FORMAT = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RolloutJournal() {}

  static String writePlan(PhasePlan plan) {
    ArrayNode phases = MAPPER.createArrayNode();
    for (Phase p : plan.phases()) {
      ObjectNode phase = phases.addObject().put("number", p.number()).put("why", p.why());
      ArrayNode regions = phase.putArray("regions");
      for (RegionStep r : p.regions()) {
        ObjectNode region = regions.addObject().put("region", r.region()).put("why", r.why());
        ArrayNode waves = region.putArray("waves");
        for (Wave w : r.waves()) {
          ObjectNode wave = waves.addObject();
          w.zone().ifPresent(z -> wave.put("zone", z));
          wave.put("why", w.why());
          w.scaleSets().forEach(wave.putArray("scaleSets")::add);
        }
      }
    }
    return phases.toString();
  }

  static PhasePlan readPlan(String json) {
    List<Phase> phases = new ArrayList<>();
    for (JsonNode p : tree(json)) {
      List<RegionStep> regions = new ArrayList<>();
      for (JsonNode r : p.get("regions")) {
        List<Wave> waves = new ArrayList<>();
        for (JsonNode w : r.get("waves")) {
          waves.add(new Wave(Optional.ofNullable(w.get("zone")).map(JsonNode::asText), strings(w.get("scaleSets")),
              w.get("why").asText()));
        }
        regions.add(new RegionStep(r.get("region").asText(), r.get("why").asText(), waves));
      }
      phases.add(new Phase(p.get("number").asInt(), regions, p.get("why").asText()));
    }
    return new PhasePlan(phases);
  }

  static String writeStrings(List<String> values) {
    ArrayNode array = MAPPER.createArrayNode();
    values.forEach(array::add);
    return array.toString();
  }

  static List<String> readStrings(String json) {
    return strings(tree(json));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a rollout journal record is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The error a {@link #MEMBER_ENDED} record carries, if any. */
  static Optional<ApiError> endError(RunRecord ended) {
    Map<String, String> a = ended.attributes();
    return a.containsKey("errorCode")
        ? Optional.of(ApiError.builder().code(a.get("errorCode")).message(a.getOrDefault("errorMessage", "")).build())
        : Optional.empty();
  }

  /**
   * Where a journal left its rollout: the furthest phase with a wave, each region's last wave,
   * every wave, and the decisions the rollout acted on (removals, a cancel, member ends) in
   * journal order.
   */
  record ResumePoint(int reached, Map<String, RunRecord> lastWave, List<RunRecord> waves, List<RunRecord> decisions) {
    static ResumePoint of(List<RunRecord> records) {
      Map<String, RunRecord> lastWave = new LinkedHashMap<>();
      List<RunRecord> waves = new ArrayList<>();
      List<RunRecord> decisions = new ArrayList<>();
      int reached = 0;
      for (RunRecord r : records) {
        switch (r.kind()) {
          case WAVE_STARTED -> {
            reached = Math.max(reached, Integer.parseInt(r.attributes().get("phase")));
            lastWave.put(r.attributes().get("region"), r);
            waves.add(r);
          }
          case REMOVED, CANCEL_REQUESTED, MEMBER_ENDED -> decisions.add(r);
          default -> { }
        }
      }
      return new ResumePoint(reached, lastWave, waves, decisions);
    }
  }
}
