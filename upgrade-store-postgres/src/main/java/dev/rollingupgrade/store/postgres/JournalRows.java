package dev.rollingupgrade.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.json.AzureJson;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the journal: a group of records written in one statement (arrays unnested, so a
 * group of thousands costs one round trip), under the run's row lock and fencing token, and read
 * back. Stateless; every method runs on the caller's connection and transaction.
 */
final class JournalRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> ATTRIBUTES = new TypeReference<>() {};

  private static final String LOCK_RUN =
      "SELECT owner, fencing_token, lease_until IS NULL, next_sequence FROM rollout_run WHERE run_id = ? FOR UPDATE";
  private static final String INSERT = "INSERT INTO rollout_record (run_id, sequence, fencing_token, decided_at, kind, "
      + "attributes, outcome_scale_set, outcome_entry) SELECT ?, t.s, ?, t.d, t.k, t.a::json, t.os, t.oe "
      + "FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS t(s, d, k, a, os, oe)";
  private static final String ADVANCE = "UPDATE rollout_run SET next_sequence = ?, finished = finished OR ?, "
      + "begun = coalesce(begun, nextval('rollout_run_order')) WHERE run_id = ?";
  private static final String LANDED =
      "SELECT count(*) FROM rollout_record WHERE run_id = ? AND sequence BETWEEN ? AND ? AND fencing_token = ?";
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
      if (next > last && landed(c, runId, first, last, token) == records.size()) {
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
    int n = records.size();
    Long[] sequences = new Long[n];
    String[] times = new String[n];
    String[] kinds = new String[n];
    String[] attributes = new String[n];
    String[] scaleSets = new String[n];
    String[] entries = new String[n];
    for (int i = 0; i < n; i++) {
      RunRecord r = records.get(i);
      if (!r.runId().equals(runId)) {
        throw new IllegalArgumentException("a record of run " + r.runId() + " in a group of run " + runId);
      }
      if (i > 0 && r.sequence() != sequences[i - 1] + 1) {
        throw new IllegalArgumentException("run " + runId + ": record " + r.sequence() + " out of sequence, expected "
            + (sequences[i - 1] + 1));
      }
      sequences[i] = r.sequence();
      times[i] = r.time().toString();
      kinds[i] = r.kind();
      attributes[i] = json(r);
      scaleSets[i] = r.outcome().map(RunRecord.Outcome::scaleSetName).orElse(null);
      entries[i] = r.outcome().map(o -> AzureJson.write(o.historyEntry())).orElse(null);
    }
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, runId);
      s.setLong(2, token);
      Array[] arrays = {c.createArrayOf("bigint", sequences), c.createArrayOf("text", times),
          c.createArrayOf("text", kinds), c.createArrayOf("text", attributes), c.createArrayOf("text", scaleSets),
          c.createArrayOf("text", entries)};
      for (int i = 0; i < arrays.length; i++) {
        s.setArray(3 + i, arrays[i]);
      }
      s.executeUpdate();
      for (Array a : arrays) {
        a.free();
      }
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
    try (PreparedStatement s = c.prepareStatement("SELECT sequence, decided_at, kind, attributes::text, "
        + "outcome_scale_set, outcome_entry FROM rollout_record WHERE run_id = ? ORDER BY sequence")) {
      s.setString(1, runId);
      s.setFetchSize(10_000);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Optional<RunRecord.Outcome> outcome = Optional.ofNullable(r.getString(5))
              .map(set -> new RunRecord.Outcome(set, entry(getString(r, 6))));
          records.add(new RunRecord(runId, r.getLong(1), Instant.parse(r.getString(2)), r.getString(3),
              attributes(r.getString(4)), outcome));
        }
      }
    }
    return records;
  }

  private static String getString(ResultSet r, int column) {
    try {
      return r.getString(column);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static UpgradeHistoryEntry entry(String json) {
    return AzureJson.readHistoryEntry(json);
  }

  static long micros(Duration d) {
    return d.getSeconds() >= 1_000_000_000_000L ? 1_000_000_000_000_000_000L : d.toNanos() / 1_000; // ~31,700 years at most
  }

  private static String json(RunRecord r) {
    try {
      return JSON.writeValueAsString(r.attributes());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("run " + r.runId() + ": record " + r.sequence() + " has attributes that "
          + "cannot be written as JSON", e);
    }
  }

  private static LinkedHashMap<String, String> attributes(String json) {
    try {
      return JSON.readValue(json, ATTRIBUTES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record's attributes are not a JSON object of strings: " + e.getMessage(), e);
    }
  }
}
