package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.testkit.crash.ForwardingRolloutStore;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kill the owner, once in two JVMs: a child JVM drives a run on a fleet that lives in the same
 * database and is destroyed forcibly in the middle of it (after journal record K, its deferred
 * records unwritten); this JVM's replica takes the run over once the lease expired, at the
 * child's virtual instant, and ends it: every instance upgraded exactly once, the same status and
 * history as the uninterrupted run.
 */
class TwoJvmKillTest {
  private static final int INSTANCES = 30;

  private static RollingUpgradeRun start(RolloutStore store, SqlFleet fleet, VirtualScheduler clock) {
    return RollingUpgrade.of(new Replicas().scaleSet).driver(fleet).health(fleet).scheduler(clock).store(store)
        .runId("run-1").options(Replicas.options("child-jvm")).startedBy(UpgradeOperationInvoker.PLATFORM).start();
  }

  @Test
  void aReplicaInAnotherJvmIsKilledMidRunAndThisOneFinishesIt() throws Exception {
    RollingUpgradeStatus status;
    UpgradeHistoryEntry history;
    int records;
    try (HikariDataSource db = TestDatabase.migrated()) {
      SqlFleet.create(db, INSTANCES, Replicas.OLD);
      VirtualScheduler clock = VirtualScheduler.create();
      PostgresRolloutStore store = PostgresRolloutStore.open(db);
      RollingUpgradeRun run = start(store, new SqlFleet(db), clock);
      clock.runUntilIdle();
      status = run.status();
      history = run.completion().toCompletableFuture().join();
      records = store.records("run-1").size();
    }
    for (int k : List.of(records / 3, 2 * records / 3)) {
      try (HikariDataSource db = TestDatabase.migrated()) {
        SqlFleet.create(db, INSTANCES, Replicas.OLD);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), ChildReplica.class.getName(), db.getJdbcUrl(),
            String.valueOf(k)).redirectErrorStream(true).start();
        Instant stoppedAt;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          do {
            line = out.readLine();
          } while (line != null && !line.startsWith("HUNG "));
          assertThat(line).as("the child reached record %d", k).isNotNull();
          stoppedAt = Instant.parse(line.substring("HUNG ".length()));
          child.destroyForcibly(); // kill -9: no release, no flush, no goodbye
          assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
          child.destroyForcibly();
        }
        SqlFleet fleet = new SqlFleet(db);
        assertThat(fleet.upgrades().values()).as("the child upgraded some").contains(1).contains(0);

        PostgresRolloutStore store = PostgresRolloutStore.open(db);
        VirtualScheduler clock = VirtualScheduler.startingAt(stoppedAt);
        RecoveryLoop loop = RecoveryLoop.of(store, RolloutRecovery.of(store).driver(fleet).health(fleet)
            .scheduler(clock).options(Replicas.options("this-jvm")));
        assertThat(loop.recoverNow()).as("the dead child's lease has not expired yet").isEmpty();
        TestDatabase.expireLeases(db);
        List<RollingUpgradeRun> taken = loop.recoverNow();
        assertThat(taken).hasSize(1);
        clock.runUntilIdle();
        RollingUpgradeRun run = taken.get(0);
        assertThat(fleet.upgrades().values()).as("killed at record %d: upgrades per instance", k).containsOnly(1);
        assertThat(run.status()).as("killed at record %d", k).isEqualTo(status);
        assertThat(run.completion().toCompletableFuture().join()).as("killed at record %d", k).isEqualTo(history);
        assertThat(store.history("vmss")).containsExactly(history);
      }
    }
  }

  /** The other JVM: drives run-1 until journal record K, then hangs (printing its virtual time) until killed. */
  public static final class ChildReplica {
    /** {@code <jdbc url> <K>}. */
    public static void main(String[] args) throws InterruptedException {
      HikariDataSource db = TestDatabase.pool(args[0], 2);
      long hangAt = Long.parseLong(args[1]);
      VirtualScheduler clock = VirtualScheduler.create();
      CountDownLatch never = new CountDownLatch(1);
      RolloutStore store = new ForwardingRolloutStore(PostgresRolloutStore.open(db)) {
        private long written;

        private void maybeHang(List<RunRecord> records) {
          written += records.size();
          if (written >= hangAt) {
            System.out.println("HUNG " + clock.now());
            System.out.flush();
            try {
              never.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }

        @Override
        public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
          CompletionStage<Void> done = super.append(lease, records);
          maybeHang(records);
          return done;
        }

        @Override
        public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
          CompletionStage<Void> done = super.appendDeferred(lease, records);
          maybeHang(records);
          return done;
        }
      };
      start(store, new SqlFleet(db), clock);
      clock.runUntilIdle();
      System.out.println("FINISHED before record " + hangAt);
    }
  }
}
