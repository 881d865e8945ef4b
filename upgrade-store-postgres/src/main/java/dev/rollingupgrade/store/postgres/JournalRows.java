package dev.rollingupgrade.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.json.AzureJson;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
  /** Reads the time's decimal exactly (as written), not as a double. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private static final String LOCK_RUN = "SELECT owner, fencing_token, lease_until IS NULL, next_sequence, "
      + "lease_until <= clock_timestamp(), lease_until FROM rollout_run WHERE run_id = ? FOR UPDATE";
  /** Advances the run if its lease holds and the group follows, and inserts the group if it did. */
  private static final String APPEND = "WITH advanced AS (UPDATE rollout_run SET next_sequence = ?, "
      + "finished = finished OR ?, begun = coalesce(begun, nextval('rollout_run_order')), "
      + "lease_until = greatest(lease_until, clock_timestamp() + ? * interval '1 microsecond') "
      + "WHERE run_id = ? AND fencing_token = ? AND lease_until > clock_timestamp() AND next_sequence = ? "
      + "RETURNING run_id) INSERT INTO rollout_journal (run_id, first_sequence, last_sequence, fencing_token, records) "
      + "SELECT run_id, ?, ?, ?, ? FROM advanced";
  private static final String LANDED = "SELECT count(*) FROM rollout_journal WHERE run_id = ? AND first_sequence = ? "
      + "AND last_sequence = ? AND fencing_token = ? AND records = ?";
  /** The longest duration written as an interval: longer ones count as this (no lease or history outlives it). */
  static final Duration LONGEST = Duration.ofDays(1_000L * 365);
  private static final String ADD_HISTORY = "INSERT INTO rollout_history (scale_set, run_id, entry) VALUES (?, ?, ?)";
  private static final String TRIM_HISTORY = "DELETE FROM rollout_history WHERE scale_set = ? AND (id < coalesce(("
      + "SELECT min(id) FROM (SELECT id FROM rollout_history WHERE scale_set = ? ORDER BY id DESC LIMIT ?) AS kept), 0) "
      + "OR recorded_at < clock_timestamp() - ? * interval '1 microsecond')";

  private JournalRows() {}

  /**
   * Writes {@code records} (one run's, in sequence; {@code json} is {@link #json} of them) under
   * {@code token}, and extends the lease to {@code extend} from now (database clock; null: as it
   * is): refused with {@link LeaseLostException} unless the run's newest token is {@code token} and
   * its lease was neither released nor expired. A group whose earlier attempt committed before its
   * connection dropped is found (same sequences, same token, same records) and not written twice.
   *
   * @return whether the group ended the run
   */
  static boolean write(Connection c, String runId, String owner, long token, List<RunRecord> records, String json,
      Duration extend, HistoryRetention retention) throws SQLException {
    long first = records.get(0).sequence();
    long last = records.get(records.size() - 1).sequence();
    boolean ends = false;
    for (RunRecord record : records) {
      ends |= record.isFinal();
    }
    if (!append(c, runId, token, first, last, ends, json, extend)) {
      // the lease no longer holds, the group does not follow the journal, or it landed before: say which
      long next = lockRun(c, runId, owner, token);
      if (next == first) {
        // the lease looked expired, then not (the database clock stepped back): the row is locked now, write
        if (!append(c, runId, token, first, last, ends, json, extend)) {
          throw new IllegalStateException("run " + runId + ": the group from record " + first + " was not written "
              + "although its lease holds and it follows the journal");
        }
      } else if (next > last && landed(c, runId, first, last, token, json) == 1) {
        return records.get(records.size() - 1).isFinal(); // an earlier attempt committed it
      } else {
        throw new IllegalArgumentException("run " + runId + ": record " + first + " out of sequence, expected " + next
            + (next > first ? " (the database holds other records from " + first + " on)" : ""));
      }
    }
    for (RunRecord record : records) {
      if (record.outcome().isPresent()) {
        addHistory(c, runId, record.outcome().get(), retention);
      }
    }
    return ends;
  }

  /**
   * The common case in one statement (one round trip): advances the run and inserts the group if
   * the lease holds and the group follows the journal; the update's row lock orders it with claims.
   *
   * @return whether the group was written
   */
  private static boolean append(Connection c, String runId, long token, long first, long last, boolean ends,
      String json, Duration extend) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(APPEND)) {
      s.setLong(1, last + 1);
      s.setBoolean(2, ends);
      if (extend == null) {
        s.setNull(3, java.sql.Types.BIGINT); // greatest() ignores the null: the lease stays as it is
      } else {
        s.setLong(3, micros(extend));
      }
      s.setString(4, runId);
      s.setLong(5, token);
      s.setLong(6, first);
      s.setLong(7, first);
      s.setLong(8, last);
      s.setLong(9, token);
      s.setString(10, json);
      return s.executeUpdate() == 1;
    }
  }

  /**
   * Locks the run's row (until the transaction ends) and checks that {@code token}'s lease still
   * holds: the run's newest, neither released nor expired by the database clock.
   *
   * @return the run's next sequence number
   * @throws LeaseLostException if the lease no longer holds
   */
  static long lockRun(Connection c, String runId, String owner, long token) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK_RUN)) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new LeaseLostException("run " + runId + ": the lease of " + owner + " (token " + token
              + ") is no longer valid; the store has no lease on the run");
        }
        if (r.getLong(2) != token || r.getBoolean(3) || r.getBoolean(5)) {
          throw lost(runId, owner, token, r.getBoolean(3) ? null : r.getString(1), r.getLong(2),
              r.getBoolean(3) ? null : r.getObject(6, java.time.OffsetDateTime.class));
        }
        return r.getLong(4);
      }
    }
  }

  /**
   * Why a lease no longer holds: another holder ({@code holder}, {@code holderToken}), a release
   * ({@code holder} null) or, with the same token, its expiry at {@code until} (database clock).
   */
  static LeaseLostException lost(String runId, String owner, long token, String holder, long holderToken,
      java.time.OffsetDateTime until) {
    return new LeaseLostException("run " + runId + ": the lease of " + owner + " (token " + token
        + ") is no longer valid; " + (holder == null ? "the run was released"
            : holderToken == token ? "it expired at " + until + " (database clock) and was not renewed in time"
            : "it is held by " + holder + " with token " + holderToken));
  }

  /**
   * The JSON array a group is stored as, one element per record from its first sequence number on:
   * {@code [time, kind, attributes]}, and for a record with an outcome {@code [time, kind,
   * attributes, scaleSet, entry]}; the time is exact seconds since the epoch (a decimal). Compact,
   * because durability is paid per byte: a batch's group carries thousands of verdicts. The same
   * records always give the same text.
   */
  static String json(String runId, List<RunRecord> records) {
    StringWriter json = new StringWriter(records.size() * 56);
    char[] time = new char[SECONDS_CHARS];
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
        g.writeStartArray();
        g.writeNumber(time, 0, seconds(r.time(), time));
        g.writeString(r.kind());
        g.writeStartObject();
        for (Map.Entry<String, String> a : r.attributes().entrySet()) {
          g.writeStringField(a.getKey(), a.getValue());
        }
        g.writeEndObject();
        if (r.outcome().isPresent()) {
          g.writeString(r.outcome().get().scaleSetName());
          g.writeRawValue(AzureJson.write(r.outcome().get().historyEntry()));
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("run " + runId + ": records that cannot be written as JSON", e);
    }
    return json.toString();
  }

  /** {@code t} as exact seconds since the epoch: {@code 1767225660.003}, {@code -1.5}, {@code 0}. */
  static String seconds(Instant t) {
    char[] digits = new char[SECONDS_CHARS];
    return new String(digits, 0, seconds(t, digits));
  }

  /** The most characters {@link #seconds} writes: a sign, 17 digits before the point and 9 after. */
  private static final int SECONDS_CHARS = 28;

  /** Writes {@link #seconds(Instant)} into {@code into} (a journal writes ~20,000 a run: no string each). */
  private static int seconds(Instant t, char[] into) {
    long s = t.getEpochSecond();
    int nanos = t.getNano();
    // below zero, -2 s + 0.5 s reads -1.5: the whole part rounds toward zero, the fraction counts down
    long whole = s < 0 && nanos > 0 ? -(s + 1) : Math.abs(s);
    int fraction = s < 0 && nanos > 0 ? 1_000_000_000 - nanos : nanos;
    int end = 0;
    if (s < 0) {
      into[end++] = '-';
    }
    int start = end;
    do {
      into[end++] = (char) ('0' + whole % 10);
      whole /= 10;
    } while (whole > 0);
    reverse(into, start, end);
    if (fraction > 0) {
      into[end++] = '.';
      for (int unit = 100_000_000; fraction > 0; unit /= 10) {
        into[end++] = (char) ('0' + fraction / unit);
        fraction %= unit;
      }
    }
    return end;
  }

  private static void reverse(char[] chars, int from, int to) {
    for (int i = from, j = to - 1; i < j; i++, j--) {
      char c = chars[i];
      chars[i] = chars[j];
      chars[j] = c;
    }
  }

  private static Instant time(String runId, long sequence, BigDecimal seconds) {
    try {
      return instant(seconds);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw new IllegalStateException("run " + runId + ": record " + sequence + " in the database has a time ("
          + seconds + " s) no instant has", e);
    }
  }

  /** The instant {@link #seconds} wrote as {@code seconds}. */
  static Instant instant(BigDecimal seconds) {
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    return Instant.ofEpochSecond(whole.longValueExact(), seconds.subtract(whole).movePointRight(9).intValueExact());
  }

  /** Rows holding exactly this group (the same records always give the same text). */
  private static long landed(Connection c, String runId, long first, long last, long token, String json)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LANDED)) {
      s.setString(1, runId);
      s.setLong(2, first);
      s.setLong(3, last);
      s.setLong(4, token);
      s.setString(5, json);
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

  /**
   * Every record of a run in the database, in sequence order.
   *
   * @throws IllegalStateException naming the run and record, if a row is not what this store writes
   */
  static List<RunRecord> read(Connection c, String runId) throws SQLException {
    List<RunRecord> records = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT first_sequence, last_sequence, records FROM rollout_journal "
        + "WHERE run_id = ? ORDER BY first_sequence")) {
      s.setString(1, runId);
      s.setFetchSize(100);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long first = r.getLong(1);
          long last = r.getLong(2);
          if (!records.isEmpty() && first != records.get(records.size() - 1).sequence() + 1) {
            throw new IllegalStateException("run " + runId + ": the database holds records up to "
                + records.get(records.size() - 1).sequence() + ", then a row from record " + first);
          }
          JsonNode row = tree(runId, first, r.getString(3));
          if (row.size() != last - first + 1) {
            throw new IllegalStateException("run " + runId + ": the row of records " + first + " to " + last
                + " in the database holds " + row.size());
          }
          long sequence = first;
          for (JsonNode node : row) {
            records.add(record(runId, sequence++, node));
          }
        }
      }
    }
    return records;
  }

  /** One element of a row: {@code [time, kind, attributes]} or {@code [time, kind, attributes, scaleSet, entry]}. */
  private static RunRecord record(String runId, long sequence, JsonNode node) {
    boolean outcome = node.size() == 5;
    if (!node.isArray() || (node.size() != 3 && !outcome) || !node.get(0).isNumber() || !node.get(1).isTextual()
        || !node.get(2).isObject() || (outcome && (!node.get(3).isTextual() || !node.get(4).isObject()))) {
      throw new IllegalStateException("run " + runId + ": record " + sequence + " in the database is not [time, "
          + "kind, attributes] or [time, kind, attributes, scaleSet, entry], the form this store writes");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> a : node.get(2).properties()) {
      if (!a.getValue().isTextual()) {
        throw new IllegalStateException("run " + runId + ": record " + sequence + " in the database has attribute "
            + a.getKey() + " that is not text");
      }
      attributes.put(a.getKey(), a.getValue().textValue());
    }
    Instant time = time(runId, sequence, node.get(0).decimalValue());
    if (!outcome) {
      return new RunRecord(runId, sequence, time, node.get(1).textValue(), attributes, Optional.empty());
    }
    UpgradeHistoryEntry entry;
    try {
      entry = entry(node.get(4).toString());
    } catch (RuntimeException e) {
      throw new IllegalStateException("run " + runId + ": record " + sequence + " in the database has an outcome "
          + "that is not a history entry: " + e.getMessage(), e);
    }
    return new RunRecord(runId, sequence, time, node.get(1).textValue(), attributes,
        Optional.of(new RunRecord.Outcome(node.get(3).textValue(), entry)));
  }

  private static JsonNode tree(String runId, long first, String json) {
    try {
      JsonNode tree = JSON.readTree(json);
      if (tree == null || !tree.isArray()) {
        throw new IllegalStateException("run " + runId + ": record " + first + " in the database is not in a JSON "
            + "array, the form this store writes");
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("run " + runId + ": record " + first + " in the database is not in the JSON "
          + "this store writes: " + e.getOriginalMessage(), e);
    }
  }

  static UpgradeHistoryEntry entry(String json) {
    return AzureJson.readHistoryEntry(json);
  }

  /** {@code d} in microseconds, at most {@link #LONGEST}'s: PostgreSQL's timestamps end in the year 294276. */
  static long micros(Duration d) {
    Duration capped = d.compareTo(LONGEST) > 0 ? LONGEST : d;
    return capped.getSeconds() * 1_000_000L + capped.getNano() / 1_000;
  }

}
