package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.LeaseLostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The SQL of the leases, on {@code rollout_run}: claims, renewals and releases, by the database
 * clock. Stateless; every method runs on the caller's connection, each statement standing alone.
 */
final class LeaseRows {
  private LeaseRows() {}

  /** Claims the run if nobody holds it (never claimed, expired or released), bumping its token. */
  static Optional<Lease> claim(Connection c, String runId, String owner, Duration duration) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO rollout_run (run_id) VALUES (?) ON CONFLICT DO NOTHING")) {
      s.setString(1, runId);
      s.executeUpdate();
    }
    // a row locked by another transaction is being claimed or written right now: not free
    try (PreparedStatement s = c.prepareStatement("WITH free AS (SELECT run_id FROM rollout_run WHERE run_id = ? "
        + "AND (lease_until IS NULL OR lease_until <= clock_timestamp()) FOR UPDATE SKIP LOCKED) "
        + "UPDATE rollout_run r SET owner = ?, fencing_token = r.fencing_token + 1, claimed_at = clock_timestamp(), "
        + "lease_until = clock_timestamp() + ? * interval '1 microsecond' FROM free WHERE r.run_id = free.run_id "
        + "RETURNING r.fencing_token, r.lease_until")) {
      s.setString(1, runId);
      s.setString(2, owner);
      s.setLong(3, JournalRows.micros(duration));
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new Lease(runId, owner, r.getLong(1), r.getObject(2, OffsetDateTime.class).toInstant()));
      }
    }
  }

  /**
   * Extends a lease that still holds (the run's newest token, neither released nor expired).
   *
   * @throws LeaseLostException saying why, if it no longer holds
   */
  static Lease renew(Connection c, Lease lease, Duration duration) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE rollout_run SET lease_until = clock_timestamp() + ? * "
        + "interval '1 microsecond' WHERE run_id = ? AND fencing_token = ? AND lease_until > clock_timestamp() "
        + "RETURNING lease_until")) {
      s.setLong(1, JournalRows.micros(duration));
      s.setString(2, lease.runId());
      s.setLong(3, lease.fencingToken());
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          return new Lease(lease.runId(), lease.owner(), lease.fencingToken(),
              r.getObject(1, OffsetDateTime.class).toInstant());
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement(
        "SELECT owner, fencing_token, lease_until IS NULL, lease_until FROM rollout_run WHERE run_id = ?")) {
      s.setString(1, lease.runId());
      try (ResultSet r = s.executeQuery()) {
        boolean found = r.next();
        throw JournalRows.lost(lease.runId(), lease.owner(), lease.fencingToken(),
            !found || r.getBoolean(3) ? null : r.getString(1), found ? r.getLong(2) : 0,
            found ? r.getObject(4, OffsetDateTime.class) : null);
      }
    }
  }

  /** Frees the run, if {@code lease} is its newest. */
  static Void release(Connection c, Lease lease) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE rollout_run SET lease_until = NULL WHERE run_id = ? AND fencing_token = ?")) {
      s.setString(1, lease.runId());
      s.setLong(2, lease.fencingToken());
      s.executeUpdate();
    }
    return null;
  }
}
