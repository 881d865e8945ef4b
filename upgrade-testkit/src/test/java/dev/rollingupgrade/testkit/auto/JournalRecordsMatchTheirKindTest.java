package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.spi.JournalRecordKind;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the api's typed view of journal records ({@link JournalRecordKind}) describes what the
 * SDK really writes: every record of a rollout that faults (member runs with failures and
 * rollbacks included) has a listed kind and only listed attributes.
 */
class JournalRecordsMatchTheirKindTest {
  @Test
  void everyRecordOfAFaultedRolloutHasAListedKindAndOnlyListedAttributes() {
    SeededRollout rollout = new SeededRollout(40);
    InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(rollout.clock));
    rollout.start(store);
    List<RunRecord> records = new ArrayList<>(store.records(SeededRollout.ID));
    rollout.names().forEach(n -> records.addAll(store.records(SeededRollout.ID + "/" + n)));

    Set<JournalRecordKind> seen = EnumSet.noneOf(JournalRecordKind.class);
    for (RunRecord r : records) {
      JournalRecordKind kind = JournalRecordKind.of(r).orElseThrow(
          () -> new AssertionError("record kind " + r.kind() + " is not listed in JournalRecordKind"));
      seen.add(kind);
      for (String attribute : r.attributes().keySet()) {
        boolean listed = kind.attributes().contains(attribute)
            || kind == JournalRecordKind.ROLLOUT_STARTED && attribute.startsWith(JournalRecordKind.TARGET_PREFIX);
        assertThat(listed).as("attribute %s of %s", attribute, kind).isTrue();
      }
    }
    // the rollout exercised the interesting kinds, so the check above covered them
    assertThat(seen).contains(JournalRecordKind.ROLLOUT_STARTED, JournalRecordKind.ROLLOUT_WAVE_STARTED,
        JournalRecordKind.ROLLOUT_MEMBER_ENDED, JournalRecordKind.ROLLOUT_FINISHED, JournalRecordKind.RUN_STARTED,
        JournalRecordKind.PLANNED, JournalRecordKind.BATCH_STARTED, JournalRecordKind.INSTANCE_FAILED,
        JournalRecordKind.RUN_FINISHED);
  }
}
