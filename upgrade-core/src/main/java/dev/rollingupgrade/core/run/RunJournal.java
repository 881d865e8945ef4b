package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.spi.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a run's decisions to the store, in sequence, before their side effects. Used under the run's lock. */
final class RunJournal {
  private final RolloutStore store;
  private final Scheduler scheduler;
  private final String runId;
  private long sequence;

  RunJournal(RolloutStore store, Scheduler scheduler, String runId, long firstSequence) {
    this.store = store;
    this.scheduler = scheduler;
    this.runId = runId;
    this.sequence = firstSequence;
  }

  /** Appends one record; {@code keyValues} alternate keys and values. */
  void append(String kind, String... keyValues) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      attributes.put(keyValues[i], keyValues[i + 1]);
    }
    store.append(RunRecord.builder().runId(runId).sequence(sequence).time(scheduler.now()).kind(kind)
        .attributes(attributes).build());
    sequence++;
  }
}
