package dev.rollingupgrade.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.store.FileRolloutStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan of a 300,000-instance run with 61-character ids is one record of more than 20 million
 * characters (Jackson's default limit for a string): the file journal writes it and reads it back,
 * exactly when a resume needs it.
 */
class LargePlanSurvivesTheFileJournalTest {
  @TempDir
  Path dir;

  @Test
  void thePlanOfA300000InstanceRunIsWrittenAndReadBack() {
    List<InstanceSnapshot> instances = new ArrayList<>(300_000);
    for (int i = 0; i < 300_000; i++) {
      String id = String.format("/subscriptions/0000/vmss/web-eu/virtualMachines/vm-%010d", i);
      instances.add(InstanceSnapshot.healthy(id, String.valueOf(1 + i % 3), i % 20));
    }
    assertThat(instances.get(0).instanceId()).hasSize(61);
    RunEvent.Planned planned = new RunEvent.Planned(instances);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    RunRecord plan = EventCodec.encode("big", 1, t, "web-eu", planned);
    assertThat(plan.attributes().get("instances").length()).isGreaterThan(20_000_000);
    Path journal = dir.resolve("journal.log");
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      Lease lease = store.claim("big", "test", Duration.ofHours(1)).orElseThrow();
      store.append(lease, List.of(RunRecord.of("big", 0, t, "RUN_STARTED", Map.of("scaleSet", "web-eu")), plan))
          .toCompletableFuture().join();
    }
    try (FileRolloutStore store = FileRolloutStore.open(journal)) {
      assertThat(store.tornTail()).isEmpty();
      List<RunRecord> records = store.records("big");
      assertThat(records).hasSize(2);
      assertThat(EventCodec.decode(records.get(1), Optional.empty())).isEqualTo(planned);
    }
    assertThat(Files.exists(journal)).isTrue();
  }
}
