package dev.rollingupgrade.testkit.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.crash.CrashingStore;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §9: the host of a 50-instance run with faults dies at every journal record in turn; the
 * run resumed at that instant obeys the rules, upgrades no instance twice, and ends exactly as
 * the uninterrupted run: same calls in the same order, same status, same history.
 */
class EveryCrashPointResumesToTheSameRunTest {
  private static String digest;
  private static RollingUpgradeStatus status;
  private static UpgradeHistoryEntry history;
  private static int records;

  @BeforeAll
  static void uninterrupted() {
    ResumeFixture f = ResumeFixture.withFaults();
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    assertThat(f.start(store)).isFalse();
    f.invariants.assertObeyed(f.recorder, f.run, UpgradeOperationInvoker.PLATFORM);
    digest = f.digest();
    status = f.run.status();
    history = f.run.completion().toCompletableFuture().join();
    records = store.records(f.run.runId()).size();
    assertThat(status.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(history.rollbackInfo().orElseThrow().failedRolledbackInstanceCount()).isEqualTo(1);
    assertThat(records).isGreaterThan(100);
  }

  @Test
  void aCrashJustBeforeAnyRecordIsWrittenResumesToTheSameRun() {
    for (int k = 1; k <= records; k++) {
      ResumeFixture f = ResumeFixture.withFaults();
      CrashingStore store = CrashingStore.before(new InMemoryRolloutStore(), k);
      assertThat(f.start(store)).as("crash before record %d", k).isTrue();
      if (store.delegate().records(f.run.runId()).isEmpty()) {
        f.run.abandon(); // its host died: its lease is gone with it
        f.start(store.delegate()); // died before its first record: the run never began; start it again
      } else {
        f.resume(store.delegate());
      }
      assertThat(f.runOrCrash()).isFalse();
      assertSameRun(f, "crash before record " + k, true);
      f.invariants.assertObeyed(f.recorder, f.run, UpgradeOperationInvoker.PLATFORM);
    }
  }

  @Test
  void aCrashJustAfterAnyRecordIsWrittenResumesToTheSameRun() {
    for (int k = 1; k <= records; k++) {
      ResumeFixture f = ResumeFixture.withFaults();
      CrashingStore store = CrashingStore.after(new InMemoryRolloutStore(), k);
      assertThat(f.start(store)).as("crash after record %d", k).isTrue();
      f.resume(store.delegate());
      assertThat(f.runOrCrash()).isFalse();
      // the event of the last record was lost with the host; the calls say what happened
      assertSameRun(f, "crash after record " + k, false);
    }
  }

  /**
   * Same calls, same status, same history. With {@code exactTimes} false the end time may differ:
   * a restore journalled but maybe never made, on an instance whose upgrade hangs, is only known
   * not to have been made when the hung operation's call timeout passes.
   */
  private static void assertSameRun(ResumeFixture f, String where, boolean exactTimes) {
    assertThat(f.run.isFinished()).as(where).isTrue();
    Map<String, Integer> upgrades = new TreeMap<>();
    // a call the driver rejected changed nothing: after a restart it may be made again
    f.fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK)
        .forEach(c -> upgrades.merge(c.instanceId(), 1, Integer::sum));
    assertThat(upgrades.values()).as("%s: upgrades per instance %s", where, upgrades).containsOnly(1);
    assertThat(f.digest()).as(where).isEqualTo(digest);
    assertThat(f.run.status()).as(where).isEqualTo(status);
    UpgradeHistoryEntry resumed = f.run.completion().toCompletableFuture().join();
    if (exactTimes) {
      assertThat(resumed).as(where).isEqualTo(history);
    } else {
      assertThat(resumed).as(where).usingRecursiveComparison().ignoringFields("runningStatus").isEqualTo(history);
      assertThat(resumed.runningStatus().orElseThrow().code()).isEqualTo(history.runningStatus().orElseThrow().code());
    }
  }

  @Test
  void theJournalOfTheUninterruptedRunHoldsNoSecretAndEndsFinished() {
    ResumeFixture f = ResumeFixture.withFaults();
    RolloutStore store = new InMemoryRolloutStore();
    f.start(store);
    assertThat(store.unfinishedRuns()).isEmpty();
    assertThat(store.history("vmss")).containsExactly(history);
    List<String> kinds = store.records(f.run.runId()).stream().map(r -> r.kind()).toList();
    assertThat(kinds).contains("ROLLBACK_FAILED", "INSTANCE_FAILED", "UPGRADE_RETURNED");
  }
}
