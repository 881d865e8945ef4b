package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a run: its connections dropped (the run goes on, on fresh ones,
 * nothing written twice), or unreachable for longer than the retries (the run stops with a clear
 * reason, nothing durable is lost, and a replica finishes it once the database is back).
 */
class DatabaseFaultsTest {
  private static String digest;
  private static RollingUpgradeStatus status;

  @BeforeAll
  static void uninterrupted() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      Replicas r = new Replicas();
      assertThat(r.start(PostgresRolloutStore.open(db), "replica-a")).isFalse();
      digest = r.digest();
      status = r.run.status();
    }
  }

  /** A DataSource that hands out one connection again and again, and opens another once it is closed or broken. */
  static final class OneConnection extends Switchable {
    private final String url;
    private Connection physical;
    int opened;

    OneConnection(String url) {
      super(null);
      this.url = url;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
      if (physical == null || physical.isClosed()) {
        physical = java.sql.DriverManager.getConnection(url);
        opened++;
      }
      Connection target = physical;
      return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close")) {
              return null; // kept for the next caller
            }
            try {
              return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  /** A DataSource whose database can be made unreachable. */
  static class Switchable implements DataSource {
    private final DataSource db;
    volatile boolean down;

    Switchable(DataSource db) {
      this.db = db;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLNonTransientConnectionException("Connection to localhost refused", "08001");
      }
      return db.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }

  /** Terminates every server process of the pool's database, from a connection outside the pool. */
  private static int dropConnections(HikariDataSource db) {
    try (Connection c = java.sql.DriverManager.getConnection(db.getJdbcUrl());
        var s = c.createStatement();
        var r = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static UpgradeListener atBatch(int batch, Runnable action) {
    return event -> {
      if (event.type() == UpgradeEventType.BATCH_STARTED && event.batch().orElse(0) == batch) {
        action.run();
      }
    };
  }

  private static RollingUpgradeRun start(Replicas r, dev.rollingupgrade.api.spi.RolloutStore store,
      UpgradeListener fault) {
    r.run = RollingUpgrade.of(r.scaleSet).driver(r.fleet).health(r.fleet).scheduler(r.clock).store(store)
        .runId("run-1").options(Replicas.options("replica-a")).startedBy(UpgradeOperationInvoker.PLATFORM)
        .listener(r.recorder).listener(fault).start();
    r.recorder.watch(r.run);
    return r.run;
  }

  @Test
  void droppedConnectionsAreReplacedAndTheRunGoesOnUnchanged() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      Replicas r = new Replicas();
      // one connection, kept: the pool does not get a chance to notice the drop before the store does
      OneConnection one = new OneConnection(db.getJdbcUrl());
      PostgresRolloutStore store = PostgresRolloutStore.builder(one).retries(3, Duration.ZERO).open();
      int[] dropped = {0};
      int[] appends = {0};
      // the connections drop right before a write that enables a side effect (the 5th: a batch start)
      dev.rollingupgrade.api.spi.RolloutStore dropping = new dev.rollingupgrade.testkit.crash.ForwardingRolloutStore(store) {
        @Override
        public java.util.concurrent.CompletionStage<Void> append(dev.rollingupgrade.api.spi.Lease lease,
            List<dev.rollingupgrade.api.spi.RunRecord> records) {
          if (++appends[0] == 5) {
            dropped[0] += dropConnections(db);
          }
          return super.append(lease, records);
        }
      };
      start(r, dropping, event -> { });
      assertThat(r.runOrDie()).isFalse();
      assertThat(dropped[0]).as("connections dropped").isPositive();
      assertThat(one.opened).as("connections opened").isGreaterThan(1);
      assertThat(r.run.isFinished()).isTrue();
      assertThat(r.upgrades().values()).containsOnly(1);
      assertThat(r.digest()).isEqualTo(digest);
      assertThat(r.run.status()).isEqualTo(status);
      assertThat(store.records("run-1")).extracting(rec -> rec.sequence())
          .isEqualTo(java.util.stream.LongStream.range(0, store.records("run-1").size()).boxed().toList());
    }
  }

  @Test
  void anUnreachableDatabaseStopsTheRunWithItsReasonAndAReplicaFinishesItLater() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      Replicas r = new Replicas();
      Switchable flaky = new Switchable(db);
      PostgresRolloutStore a = PostgresRolloutStore.builder(flaky).retries(3, Duration.ZERO).open();
      RollingUpgradeRun stopped = start(r, a, atBatch(3, () -> flaky.down = true));
      assertThat(r.runOrDie()).isFalse();
      Throwable why = stopped.completion().toCompletableFuture().handle((v, t) -> t).join();
      assertThat(why).as("the run stops, saying why").isNotNull();
      assertThat(why).hasMessageContaining("rollout store (PostgreSQL)").hasMessageContaining("08001")
          .hasMessageContaining("after 3 attempts");
      int durable = PostgresRolloutStore.open(db).records("run-1").size();
      assertThat(durable).isPositive();

      flaky.down = false; // the database is back; replica-a's lease runs out
      TestDatabase.expireLeases(db);
      PostgresRolloutStore b = PostgresRolloutStore.open(db);
      List<RollingUpgradeRun> taken = RecoveryLoop.of(b, r.recovery(b, "replica-b")).recoverNow();
      assertThat(taken).hasSize(1);
      r.run = taken.get(0);
      r.recorder.watch(r.run);
      assertThat(r.runOrDie()).isFalse();
      assertThat(r.upgrades().values()).containsOnly(1);
      assertThat(r.digest()).isEqualTo(digest);
      assertThat(r.run.status()).isEqualTo(status);
      assertThat(b.records("run-1").size()).isGreaterThan(durable);
    }
  }
}
