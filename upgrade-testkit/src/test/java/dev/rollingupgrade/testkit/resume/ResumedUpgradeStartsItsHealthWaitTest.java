package dev.rollingupgrade.testkit.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An upgrade that landed while its host was down gets its health wait from the resume, and says so. */
class ResumedUpgradeStartsItsHealthWaitTest {
  @Test
  void anUpgradeFoundLandedAfterAResumeStartsItsHealthWaitThen() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults()); // batch 1 is instance 0 alone
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    f.run = RollingUpgrade.of(f.scaleSet).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store)
        .startedBy(UpgradeOperationInvoker.PLATFORM).listener(f.recorder).start();
    f.clock.advanceBy(Duration.ofSeconds(5)); // instance 0's upgrade call is in flight, its return not recorded
    assertThat(events(f, UpgradeEventType.INSTANCE_UPGRADE_STARTED)).extracting(e -> e.instanceIds().get(0))
        .containsExactly("0");
    String id = f.run.runId();
    f.run.abandon();
    f.clock.advanceBy(Duration.ofMinutes(10)); // the upgrade lands while nobody drives the run
    Instant resumed = f.clock.now();
    f.run = f.recovery(store).resume(id);
    f.clock.runUntilIdle();

    List<UpgradeEvent> waits = events(f, UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED).stream()
        .filter(e -> e.instanceIds().equals(List.of("0"))).toList();
    assertThat(waits).singleElement().satisfies(e -> assertThat(e.time()).isEqualTo(resumed));
    assertThat(events(f, UpgradeEventType.INSTANCE_HEALTHY)).filteredOn(e -> e.instanceIds().equals(List.of("0")))
        .singleElement().satisfies(e -> assertThat(e.time()).isEqualTo(resumed));
    assertThat(events(f, UpgradeEventType.INSTANCE_UPGRADE_STARTED)).filteredOn(e -> e.instanceIds().equals(List.of("0")))
        .hasSize(1); // found landed: not upgraded again
  }

  static List<UpgradeEvent> events(ResumeFixture f, UpgradeEventType type) {
    return f.recorder.events().stream().filter(e -> e.type() == type).toList();
  }
}
