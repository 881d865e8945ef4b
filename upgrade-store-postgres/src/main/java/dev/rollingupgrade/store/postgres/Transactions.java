package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.spi.LeaseLostException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one unit of work in a transaction on a connection of the user's {@link DataSource}, and
 * runs it again on another connection when it failed for a reason that goes away (a connection
 * dropped, the server restarting, a serialization failure), up to {@code attempts} times with a
 * doubling pause. Work whose commit may have landed before the connection dropped must be
 * idempotent: the store's are (a journal write finds its own records and succeeds). Thread-safe.
 */
final class Transactions {
  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
  /** Admin shutdown, crash shutdown, cannot connect now, serialization failure, deadlock, too many connections. */
  private static final Set<String> TRANSIENT = Set.of("57P01", "57P02", "57P03", "40001", "40P01", "53300");

  /** One unit of work on a connection in a transaction; commits are the caller's. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;
  private final int attempts;
  private final Duration backoff;

  Transactions(DataSource dataSource, int attempts, Duration backoff) {
    this.dataSource = dataSource;
    this.attempts = attempts;
    this.backoff = backoff;
  }

  /**
   * Runs {@code work} in a transaction, committed when it returns, rolled back when it throws.
   *
   * @throws UncheckedIOException when the database failed (on every attempt, if it was transient)
   * @throws LeaseLostException and other runtime exceptions of {@code work}, at once
   */
  <T> T inTransaction(String what, Work<T> work) {
    return run(what, work, true);
  }

  /**
   * Runs {@code work}, whose every statement stands alone (one statement, or statements each of
   * which may commit by itself), in auto-commit mode: two round trips fewer than a transaction.
   * Retried like {@link #inTransaction}.
   */
  <T> T autoCommit(String what, Work<T> work) {
    return run(what, work, false);
  }

  private <T> T run(String what, Work<T> work, boolean transaction) {
    long pause = backoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        if (!transaction) {
          if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
          }
          return work.run(c);
        }
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        }
      } catch (SQLException e) {
        if (attempt >= attempts || !isTransient(e)) {
          throw new UncheckedIOException("the rollout store (PostgreSQL) could not " + what + ": " + e.getMessage()
              + " (SQLState " + e.getSQLState() + (attempt > 1 ? ", after " + attempt + " attempts)" : ")"),
              new IOException(e));
        }
        LOG.warn("the rollout store could not {} (attempt {} of {}; trying again): {}", what, attempt, attempts,
            e.getMessage());
        pause(pause);
        pause *= 2;
      }
    }
  }

  static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || TRANSIENT.contains(s.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback failed (the connection is gone)", e);
    }
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis); // a database that dropped the connection gets a moment to come back
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while waiting to retry", e));
    }
  }
}
