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

  /**
   * Starts an embedded server, or connects to {@code jdbcUrl} if given; migrates the schema.
   *
   * @throws IllegalStateException naming the way out (--jdbc-url) when the server cannot be had
   */
  static PostgresServer start(String jdbcUrl) {
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
    HikariDataSource pool = new HikariDataSource(config);
    try {
      PostgresSchema.migrate(pool);
      return new PostgresServer(embedded, pool, version(pool) + (embedded != null ? " (embedded, port "
          + embedded.getPort() + ")" : " (" + url.replaceAll("password=[^&]*", "password=***") + ")"));
    } catch (RuntimeException e) {
      pool.close();
      closeQuietly(embedded);
      throw new IllegalStateException("cannot use the PostgreSQL at " + url.replaceAll("password=[^&]*", "password=***")
          + ": " + e.getMessage(), e);
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
