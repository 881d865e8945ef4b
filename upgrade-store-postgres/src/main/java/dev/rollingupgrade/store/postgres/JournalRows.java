package dev.rollingupgrade.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.json.AzureJson;
import java.io.IOException;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of the journal: a group of records written as one row (a JSON array), under the run's
 * row lock and fencing token, so a group of thousands costs one small insert; and read back. Stateless; every method runs on the caller's connection and transaction.
 */
final class JournalRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LOCK_RUN =
      "SELECT owner, fencing_token, lease_until IS NULL, next_sequence FROM rollout_run WHERE run_id = ? FOR UPDATE";
  private static final String INSERT = "INSERT INTO rollout_journal (run_id, first_sequence, last_sequence, "
      + "fencing_token, records) VALUES (?, ?, ?, ?, ?::json)";
  private static final String ADVANCE = "UPDATE rollout_run SET next_sequence = ?, finished = finished OR ?, "
      + "begun = coalesce(begun, nextval('rollout_run_order')) WHERE run_id = ?";
  private static final String LANDED = "SELECT count(*) FROM rollout_journal WHERE run_id = ? AND first_sequence = ? "
      + "AND last_sequence = ? AND fencing_token = ?";
  private static final String ADD_HISTORY = "INSERT INTO rollout_history (scale_set, run_id, entry) VALUES (?, ?, ?)";
  private static final String TRIM_HISTORY = "DELETE FROM rollout_history WHERE scale_set = ? AND (id < coalesce(("
      + "SELECT min(id) FROM (SELECT id FROM rollout_history WHERE scale_set = ? ORDER BY id DESC LIMIT ?) AS kept), 0) "
      + "OR recorded_at < clock_timestamp() - ? * interval '1 microsecond')";

  private JournalRows() {}

  /**
   * Writes {@code records} (one run's, in sequence) under {@code token}: refused with
   * {@link LeaseLostException} unless the run's newest token is {@code token} and its lease was not
   * released. A group whose earlier attempt committed before its connection dropped is found
   * (same sequences, same token) and not written twice.
   *
   * @return whether the group ended the run
   */
  static boolean write(Connection c, String runId, String owner, long token, List<RunRecord> records,
      HistoryRetention retention) throws SQLException {
    long next;
    try (PreparedStatement s = c.prepareStatement(LOCK_RUN)) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new LeaseLostException("run " + runId + ": the lease of " + owner + " (token " + token
              + ") is no longer valid; the store has no lease on the run");
        }
        if (r.getLong(2) != token || r.getBoolean(3)) {
          throw lost(runId, owner, token, r.getBoolean(3) ? null : r.getString(1), r.getLong(2));
        }
        next = r.getLong(4);
      }
    }
    long first = records.get(0).sequence();
    long last = records.get(records.size() - 1).sequence();
    if (next != first) {
      if (next > last && landed(c, runId, first, last, token) == 1) {
        return records.get(records.size() - 1).isFinal(); // an earlier attempt committed it
      }
      throw new IllegalArgumentException("run " + runId + ": record " + first + " out of sequence, expected " + next);
    }
    insert(c, runId, token, records);
    boolean ends = false;
    for (RunRecord record : records) {
      ends |= record.isFinal();
    }
    try (PreparedStatement s = c.prepareStatement(ADVANCE)) {
      s.setLong(1, last + 1);
      s.setBoolean(2, ends);
      s.setString(3, runId);
      s.executeUpdate();
    }
    for (RunRecord record : records) {
      if (record.outcome().isPresent()) {
        addHistory(c, runId, record.outcome().get(), retention);
      }
    }
    return ends;
  }

  static LeaseLostException lost(String runId, String owner, long token, String holder, long holderToken) {
    return new LeaseLostException("run " + runId + ": the lease of " + owner + " (token " + token
        + ") is no longer valid; " + (holder == null ? "the run was released" : "it is held by " + holder
            + " with token " + holderToken));
  }

  private static void insert(Connection c, String runId, long token, List<RunRecord> records) throws SQLException {
    StringWriter json = new StringWriter(records.size() * 96);
    try (JsonGenerator g = JSON.getFactory().createGenerator(json)) {
      g.writeStartArray();
      long expected = records.get(0).sequence();
      for (RunRecord r : records) {
        if (!r.runId().equals(runId)) {
          throw new IllegalArgumentException("a record of run " + r.runId() + " in a group of run " + runId);
        }
        if (r.sequence() != expected++) {
          throw new IllegalArgumentException("run " + runId + ": record " + r.sequence() + " out of sequence, expected "
              + (expected - 1));
        }
        g.writeStartObject();
        g.writeNumberField("sequence", r.sequence());
        g.writeStringField("time", r.time().toString());
        g.writeStringField("kind", r.kind());
        g.writeObjectFieldStart("attributes");
        for (Map.Entry<String, String> a : r.attributes().entrySet()) {
          g.writeStringField(a.getKey(), a.getValue());
        }
        g.writeEndObject();
        if (r.outcome().isPresent()) {
          g.writeStringField("scaleSet", r.outcome().get().scaleSetName());
          g.writeFieldName("entry");
          g.writeRawValue(AzureJson.write(r.outcome().get().historyEntry()));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("run " + runId + ": records that cannot be written as JSON", e);
    }
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, runId);
      s.setLong(2, records.get(0).sequence());
      s.setLong(3, records.get(records.size() - 1).sequence());
      s.setLong(4, token);
      s.setString(5, json.toString());
      s.executeUpdate();
    }
  }

  private static long landed(Connection c, String runId, long first, long last, long token) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LANDED)) {
      s.setString(1, runId);
      s.setLong(2, first);
      s.setLong(3, last);
      s.setLong(4, token);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static void addHistory(Connection c, String runId, RunRecord.Outcome outcome, HistoryRetention retention)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(ADD_HISTORY)) {
      s.setString(1, outcome.scaleSetName());
      s.setString(2, runId);
      s.setString(3, AzureJson.write(outcome.historyEntry()));
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement(TRIM_HISTORY)) {
      s.setString(1, outcome.scaleSetName());
      s.setString(2, outcome.scaleSetName());
      s.setInt(3, retention.maxEntries());
      s.setLong(4, micros(retention.maxAge()));
      s.executeUpdate();
    }
  }

  /** Every record of a run in the database, in sequence order. */
  static List<RunRecord> read(Connection c, String runId) throws SQLException {
    List<RunRecord> records = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT records::text FROM rollout_journal WHERE run_id = ? ORDER BY first_sequence")) {
      s.setString(1, runId);
      s.setFetchSize(100);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          for (JsonNode node : tree(r.getString(1))) {
            Map<String, String> attributes = new LinkedHashMap<>();
            node.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
            Optional<RunRecord.Outcome> outcome = node.hasNonNull("scaleSet")
                ? Optional.of(new RunRecord.Outcome(node.get("scaleSet").asText(), entry(node.get("entry").toString())))
                : Optional.empty();
            records.add(new RunRecord(runId, node.get("sequence").asLong(), Instant.parse(node.get("time").asText()),
                node.get("kind").asText(), attributes, outcome));
          }
        }
      }
    }
    return records;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a journal row is not the JSON this store writes: " + e.getMessage(), e);
    }
  }

  static UpgradeHistoryEntry entry(String json) {
    return AzureJson.readHistoryEntry(json);
  }

  static long micros(Duration d) {
    return d.getSeconds() >= 1_000_000_000_000L ? 1_000_000_000_000_000_000L : d.toNanos() / 1_000; // ~31,700 years at most
  }

}
