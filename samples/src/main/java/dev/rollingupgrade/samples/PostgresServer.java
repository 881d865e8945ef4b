package dev.rollingupgrade.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.store.postgres.PostgresSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The PostgreSQL of {@code ha-demo} and {@code bench}: an embedded server started for the command
 * (no Docker; as root it runs under {@code unshare -U}) or the one {@code --jdbc-url} names, behind
 * a small connection pool, with the rollout store schema migrated.
 */
final class PostgresServer implements AutoCloseable {
  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final String description;

  private PostgresServer(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.description = description;
  }

  /** How long a connection may take before the command gives up on the server (the pool's and the login's). */
  static final int CONNECT_SECONDS = 5;

  /** What is wrong with {@code jdbcUrl} as a PostgreSQL JDBC URL, or null if nothing seen before connecting. */
  static String urlProblem(String jdbcUrl) {
    if (jdbcUrl == null || jdbcUrl.startsWith("jdbc:postgresql:")) {
      return null;
    }
    return "--jdbc-url must be a PostgreSQL JDBC URL, jdbc:postgresql://host[:port]/database?user=..&password=.. "
        + "(got " + masked(jdbcUrl) + ")";
  }

  private static String masked(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  /**
   * Starts an embedded server, or connects to {@code jdbcUrl} if given (giving up after
   * {@value #CONNECT_SECONDS} seconds); migrates the schema.
   *
   * @throws IllegalStateException naming the way out (--jdbc-url) when the server cannot be had,
   *     or naming the URL when it cannot be used
   */
  static PostgresServer start(String jdbcUrl) {
    String problem = urlProblem(jdbcUrl);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    EmbeddedPostgres embedded = null;
    String url = jdbcUrl;
    if (url == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot start the embedded PostgreSQL (" + e.getMessage() + "); run as a "
            + "user other than root, make `unshare -U` work, or give --jdbc-url jdbc:postgresql://host/db?user=..", e);
      }
      url = embedded.getJdbcUrl("postgres", "postgres");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(CONNECT_SECONDS * 1000L); // the login too: an unreachable host fails in seconds
    HikariDataSource pool = null;
    try {
      pool = new HikariDataSource(config);
      PostgresSchema.migrate(pool);
      return new PostgresServer(embedded, pool, version(pool) + (embedded != null ? " (embedded, port "
          + embedded.getPort() + ")" : " (" + masked(url) + ")"));
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      closeQuietly(embedded);
      throw new IllegalStateException("cannot use the PostgreSQL at " + masked(url) + ": " + e.getMessage(), e);
    }
  }

  private static String version(DataSource db) {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW server_version")) {
      r.next();
      return "PostgreSQL " + r.getString(1).split(" ")[0];
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }

  DataSource dataSource() {
    return pool;
  }

  /** E.g. {@code PostgreSQL 18.6 (embedded, port 41234)}. */
  String description() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
    closeQuietly(embedded);
  }

  private static void closeQuietly(EmbeddedPostgres embedded) {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        // the server's files are in the temporary directory; nothing else to do
      }
    }
  }
}
