package dev.rollingupgrade.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of {@link PostgresRolloutStore}, shipped in this jar as plain versioned SQL under
 * {@code dev/rollingupgrade/store/postgres/migration/} ({@code V1__rollout_store.sql}, ...): named
 * the way Flyway reads them, and headed as a Liquibase formatted SQL changelog, so a team that
 * applies its schema with either tool applies these with it. {@link #migrate} applies them
 * without a tool, serialized across replicas by a PostgreSQL advisory transaction lock. Each
 * script records its version in {@code rollout_schema_version}, whoever applies it; the store
 * checks that version at startup. Thread-safe (no state).
 */
public final class PostgresSchema {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);

  /** The schema version this store reads and writes. */
  public static final int CURRENT_VERSION = 1;

  /** Where the scripts are, on the class path (Flyway: {@code classpath:} + this). */
  public static final String LOCATION = "dev/rollingupgrade/store/postgres/migration";

  /** Key of the advisory lock {@link #migrate} holds: replicas starting together migrate one after another. */
  static final long MIGRATION_LOCK = 0x526f6c6c6f7574L; // "Rollout"

  private static final List<String> SCRIPTS = List.of("V1__rollout_store.sql");

  private PostgresSchema() {}

  /** The scripts' class path resources, in the order they apply (one per version, from 1). */
  public static List<String> scripts() {
    return SCRIPTS.stream().map(s -> LOCATION + "/" + s).toList();
  }

  /**
   * Brings the database's schema to {@link #CURRENT_VERSION}: applies, in one transaction, the
   * scripts of the versions it lacks. Replicas calling it at once apply each script once: each
   * waits for the others' transaction (advisory lock). Opt-in: a store never migrates by itself.
   *
   * @return the version the database held before (0: none of these tables)
   * @throws IllegalStateException if the database holds a newer version than this library knows
   * @throws UncheckedIOException if the database cannot be reached or a script fails (nothing is applied then)
   */
  public static int migrate(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        }
        int before = version(c);
        if (before > CURRENT_VERSION) {
          throw new IllegalStateException("the database holds rollout store schema version " + before
              + ", newer than this library's " + CURRENT_VERSION + ": upgrade the library, never the schema back");
        }
        for (int v = before + 1; v <= CURRENT_VERSION; v++) {
          for (String statement : statements(script(v))) {
            try (Statement s = c.createStatement()) {
              s.execute(statement);
            }
          }
          LOG.info("rollout store schema: applied version {}", v);
        }
        c.commit();
        return before;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new UncheckedIOException("cannot migrate the rollout store schema: " + e.getMessage(),
          new IOException(e));
    }
  }

  /**
   * The schema version the database holds, 0 if it holds none of these tables.
   *
   * @throws UncheckedIOException if the database cannot be reached
   */
  public static int version(DataSource dataSource) {
    try (Connection c = Objects.requireNonNull(dataSource, "dataSource").getConnection()) {
      return version(c);
    } catch (SQLException e) {
      throw new UncheckedIOException("cannot read the rollout store schema version: " + e.getMessage(),
          new IOException(e));
    }
  }

  static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT to_regclass('rollout_schema_version') IS NOT NULL")) {
      r.next();
      if (!r.getBoolean(1)) {
        return 0;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM rollout_schema_version")) {
      r.next();
      return r.getInt(1);
    }
  }

  /** Fails fast unless the database holds exactly {@link #CURRENT_VERSION}. */
  static void check(Connection c) throws SQLException {
    int found = version(c);
    if (found != CURRENT_VERSION) {
      throw new IllegalStateException(found == 0
          ? "the database has no rollout store schema: apply " + LOCATION + "/" + SCRIPTS.get(0)
              + " (Flyway or Liquibase), or call PostgresSchema.migrate(dataSource) once"
          : "the database holds rollout store schema version " + found + ", this library needs "
              + CURRENT_VERSION + (found < CURRENT_VERSION ? ": apply the newer scripts of " + LOCATION
                  + " or call PostgresSchema.migrate(dataSource)" : ": upgrade the library on every replica"));
    }
  }

  /**
   * Fails fast when the connection cannot write: a standby in recovery, or transactions read-only
   * ({@code default_transaction_read_only} on the database or role, a read-only pool).
   */
  static void checkWritable(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")) {
      r.next();
      if (r.getBoolean(1)) {
        throw new IllegalStateException("the database is a standby in recovery (pg_is_in_recovery()): the rollout "
            + "store writes; give it a DataSource on the primary");
      }
      if ("on".equals(r.getString(2))) {
        throw new IllegalStateException("the database's transactions are read-only (transaction_read_only is on: "
            + "default_transaction_read_only set on the database, the role or the connection, or a read-only pool): "
            + "the rollout store writes; give it a DataSource whose transactions can write");
      }
    }
  }

  private static String script(int version) {
    String resource = LOCATION + "/" + SCRIPTS.get(version - 1);
    try (InputStream in = PostgresSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** The statements of a script: comment lines dropped, split after each line that ends with a semicolon. */
  static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        statements.add(current.toString().strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }
}
