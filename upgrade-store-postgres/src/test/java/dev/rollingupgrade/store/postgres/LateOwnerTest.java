package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A lease-expiry race: the owner of a run stalls (a long GC pause, a frozen VM) past its lease;
 * another replica takes the run over; then the old owner wakes up and goes on as if nothing had
 * happened. Its first write or renewal is refused (fencing token), so it stops without another
 * driver call, and the run ends as the uninterrupted one does.
 */
class LateOwnerTest {
  @Test
  void anOwnerThatWakesUpAfterATakeOverChangesNothing() {
    String digest;
    RollingUpgradeStatus status;
    try (HikariDataSource db = TestDatabase.migrated()) {
      Replicas r = new Replicas();
      assertThat(r.start(PostgresRolloutStore.open(db), "replica-a")).isFalse();
      digest = r.digest();
      status = r.run.status();
    }
    for (Duration stall : List.of(Duration.ofMinutes(4), Duration.ofMinutes(13), Duration.ofMinutes(22))) {
      try (HikariDataSource db = TestDatabase.migrated()) {
        Replicas r = new Replicas();
        PostgresRolloutStore a = PostgresRolloutStore.open(db);
        r.run = dev.rollingupgrade.core.run.RollingUpgrade.of(r.scaleSet).driver(r.fleet).health(r.fleet)
            .scheduler(r.clock).store(a).runId("run-1").options(Replicas.options("replica-a"))
            .startedBy(dev.rollingupgrade.api.status.UpgradeOperationInvoker.PLATFORM).listener(r.recorder).start();
        RollingUpgradeRun late = r.run;
        r.clock.runUntil(r.clock.now().plus(stall)); // replica-a drives the run, then stalls here
        assertThat(late.isFinished()).isFalse();

        TestDatabase.expireLeases(db); // its lease ran out meanwhile, by the database clock
        PostgresRolloutStore b = PostgresRolloutStore.open(db);
        List<RollingUpgradeRun> taken = RecoveryLoop.of(b, r.recovery(b, "replica-b")).recoverNow();
        assertThat(taken).hasSize(1);
        r.run = taken.get(0);
        r.recorder.watch(r.run);
        int callsAtTakeOver = r.fleet.stateChangingCalls().size();

        assertThat(r.runOrDie()).isFalse(); // replica-a wakes up too: both go on, on one clock
        assertThat(late.completion().toCompletableFuture()).isCompletedExceptionally();
        Throwable why = late.completion().toCompletableFuture().handle((v, t) -> t).join();
        assertThat(why instanceof CompletionException ? why.getCause() : why).as("why the late owner stopped")
            .isInstanceOf(LeaseLostException.class);
        List<DriverCall> after = r.fleet.stateChangingCalls().subList(callsAtTakeOver, r.fleet.stateChangingCalls().size());
        assertThat(after).as("calls after the take-over").isNotEmpty();
        assertThat(r.upgrades().values()).as("stall %s: upgrades per instance %s", stall, r.upgrades()).containsOnly(1);
        assertThat(r.run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
        assertThat(r.digest()).as("stall %s", stall).isEqualTo(digest);
        assertThat(r.run.status()).as("stall %s", stall).isEqualTo(status);
        assertThat(b.history("vmss")).hasSize(1);
      }
    }
  }

  @Test
  void anOwnerWhoseLeaseExpiredStopsWithoutAnotherDriverCallEvenIfNobodyClaimedTheRun() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      Replicas r = new Replicas();
      PostgresRolloutStore a = PostgresRolloutStore.open(db);
      int[] callsAtExpiry = {-1};
      r.run = dev.rollingupgrade.core.run.RollingUpgrade.of(r.scaleSet).driver(r.fleet).health(r.fleet)
          .scheduler(r.clock).store(a).runId("run-1").options(Replicas.options("replica-a"))
          .startedBy(dev.rollingupgrade.api.status.UpgradeOperationInvoker.PLATFORM).listener(r.recorder)
          .listener(event -> {
            if (event.type() == dev.rollingupgrade.api.event.UpgradeEventType.BATCH_STARTED
                && event.batch().orElse(0) == 2 && callsAtExpiry[0] < 0) {
              callsAtExpiry[0] = 0;
              r.clock.schedule(Duration.ZERO, () -> { // batch 2's driver calls are out (written before)
                TestDatabase.expireLeases(db); // replica-a stalls past its lease here, by the database clock
                callsAtExpiry[0] = r.fleet.stateChangingCalls().size();
              });
            }
          }).start();
      assertThat(r.runOrDie()).isFalse();
      assertThat(callsAtExpiry[0]).as("the lease expired mid-run").isPositive();
      Throwable why = r.run.completion().toCompletableFuture().handle((v, t) -> t).join();
      assertThat(why instanceof CompletionException ? why.getCause() : why).as("why the owner stopped")
          .isInstanceOf(LeaseLostException.class).hasMessageContaining("expired");
      assertThat(r.fleet.stateChangingCalls()).as("driver calls after the lease expired").hasSize(callsAtExpiry[0]);
      assertThat(a.unfinishedRuns()).containsExactly("run-1"); // for a replica to resume
    }
  }
}
