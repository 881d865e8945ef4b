package dev.rollingupgrade.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.spi.RunRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The journal codec: structured ids, a format version per run, clear errors. */
class EventCodecTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 200)
  void batchMembersAndInstanceIdsRoundTripWhateverTheyHold(@ForAll List<@net.jqwik.api.constraints.StringLength(
      min = 1, max = 200) String> ids, @ForAll String reason) {
    RunEvent.BatchStarted batch = new RunEvent.BatchStarted(3, ids, reason);
    RunRecord record = EventCodec.encode("run", 5, T, "vmss", batch);
    assertThat(EventCodec.decode(record, Optional.empty())).isEqualTo(batch);
    for (String id : ids) {
      RunEvent.InstanceFailed failed = new RunEvent.InstanceFailed(id, "HealthTimeout", reason);
      assertThat(EventCodec.decode(EventCodec.encode("run", 6, T, "vmss", failed), Optional.empty())).isEqualTo(failed);
    }
  }

  @Property(tries = 50)
  void recordsOfAnotherFormatAreRefusedNamingTheirVersion(@ForAll("versions") String version) {
    RunRecord first = RunRecord.of("run-1", 0, T, "RUN_STARTED", Map.of("format", version, "scaleSet", "vmss"));
    assertThatThrownBy(() -> EventCodec.format(first)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("run run-1 was journalled in format " + version)
        .hasMessageContaining("this SDK reads format " + EventCodec.FORMAT);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> versions() {
    return net.jqwik.api.Arbitraries.strings().ofMinLength(1).ofMaxLength(5).filter(v -> !v.equals("2"));
  }

  @org.junit.jupiter.api.Test
  void aJournalOfTheFirstSdkIsRefusedAsFormatOne() {
    RunRecord first = RunRecord.of("old", 0, T, "RUN_STARTED", Map.of("scaleSet", "vmss"));
    assertThatThrownBy(() -> EventCodec.format(first)).hasMessageContaining("format 1");
  }

  @org.junit.jupiter.api.Test
  void aJournalThatDoesNotStartWithTheRunIsNotOurs() {
    RunRecord first = RunRecord.of("x", 0, T, "SOMETHING", Map.of());
    assertThatThrownBy(() -> EventCodec.format(first)).hasMessageContaining("not a journal of this SDK");
  }

  @org.junit.jupiter.api.Test
  void anUnreadableRecordNamesItsRunSequenceAndKind() {
    RunRecord broken = RunRecord.of("r", 4, T, "BATCH_STARTED", Map.of("batch", "2", "instances", "0,1", "reason", ""));
    assertThatThrownBy(() -> EventCodec.decode(broken, Optional.empty()))
        .hasMessageContaining("run r: record 4 (BATCH_STARTED) cannot be read")
        .hasMessageContaining("not a JSON array");
  }
}
