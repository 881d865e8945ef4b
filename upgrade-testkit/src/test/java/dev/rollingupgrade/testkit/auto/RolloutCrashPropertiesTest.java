package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.crash.CrashingStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 11: the host of a multi-region rollout dies at any journal record (the rollout's own or
 * one of its runs', just before or just after it is written); a new host resumes the rollout from
 * the store at that instant, and it ends as the uninterrupted rollout: the same status, phase and
 * member outcomes, every instance on the same image, no instance's OS disk replaced twice.
 */
class RolloutCrashPropertiesTest {
  record Crash(long seed, double at, boolean afterWrite) {}

  @Provide
  Arbitrary<Crash> crashes() {
    return Combinators.combine(Arbitraries.longs().between(1, 1_000_000), Arbitraries.doubles().between(0, 1),
        Arbitraries.of(true, false)).as(Crash::new);
  }

  @Property(tries = 500)
  void aCrashAtAnyRecordResumesToTheSameOutcome(@ForAll("crashes") Crash crash) {
    SeededRollout uninterrupted = new SeededRollout(crash.seed());
    InMemoryRolloutStore plain = new InMemoryRolloutStore(SchedulerClock.of(uninterrupted.clock));
    assertThat(uninterrupted.start(plain)).isFalse();
    assertThat(uninterrupted.rollout.isFinished()).isTrue();
    long records = recordCount(uninterrupted, plain);
    check(crash, 1 + (long) Math.floor(crash.at() * (records - 1)), uninterrupted, records);
  }

  static void check(Crash crash, long k, SeededRollout uninterrupted, long records) {
    SeededRollout f = new SeededRollout(crash.seed());
    InMemoryRolloutStore durable = new InMemoryRolloutStore(SchedulerClock.of(f.clock));
    CrashingStore store = crash.afterWrite() ? CrashingStore.after(durable, k) : CrashingStore.before(durable, k);
    String where = (crash.afterWrite() ? "after" : "before") + " record " + k + " of " + records;
    assertThat(f.start(store)).as("crashed " + where).isTrue();
    if (durable.records(SeededRollout.ID).isEmpty()) {
      f.rollout.abandon();
      assertThat(f.start(durable)).as("restarted " + where).isFalse(); // died before its first record: start again
    } else {
      f.resume(durable);
      assertThat(f.runOrCrash()).as(where).isFalse();
    }
    assertThat(f.rollout.isFinished()).as(where).isTrue();
    assertThat(f.outcome()).as(where).isEqualTo(uninterrupted.outcome());
    assertThat(f.replacements()).as(where).isEqualTo(uninterrupted.replacements());
    assertThat(durable.unfinishedRuns()).as(where).isEmpty();
  }

  static long recordCount(SeededRollout f, InMemoryRolloutStore store) {
    return store.records(SeededRollout.ID).size() + f.names().stream()
        .mapToLong(n -> store.records(SeededRollout.ID + "/" + n).size()).sum();
  }
}
