package dev.rollingupgrade.testkit.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regressions found by reviewing the run-engine redesign. */
class ReviewFindingsTest {
  @Test
  void aCancelRightAfterStartComesAfterTheFirstRecordAndTheRunStaysResumable() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults());
    InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(f.clock));
    f.run = RollingUpgrade.of(f.scaleSet).driver(f.fleet).health(f.fleet).scheduler(f.clock).store(store).start();
    f.run.cancel();
    f.clock.advanceBy(Duration.ofSeconds(1));
    List<String> kinds = store.records(f.run.runId()).stream().map(RunRecord::kind).toList();
    assertThat(kinds).first().isEqualTo("RUN_STARTED");
    f.resume(store);
    f.clock.runUntilIdle();
    assertThat(f.run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.CANCELLED);
  }

  @Test
  void resumeAllSkipsARunItCannotReadAndResumesTheOthers() {
    ResumeFixture f = new ResumeFixture(10, RollingUpgradePolicy.defaults());
    InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(f.clock));
    var old = store.claim("from-0.1", "someone", Duration.ofSeconds(1)).orElseThrow();
    store.append(old, List.of(RunRecord.of("from-0.1", 0, f.clock.now(), "RUN_STARTED", Map.of("scaleSet", "vmss"))));
    store.release(old);
    RollingUpgradeRun run = RollingUpgrade.of(f.scaleSet).driver(f.fleet).health(f.fleet).scheduler(f.clock)
        .store(store).start();
    f.clock.advanceBy(Duration.ofSeconds(30));
    run.abandon();
    List<RollingUpgradeRun> resumed = f.recovery(store).resumeAll();
    assertThat(resumed).extracting(RollingUpgradeRun::runId).containsExactly(run.runId());
    f.clock.runUntilIdle();
    assertThat(resumed.get(0).status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(store.unfinishedRuns()).containsExactly("from-0.1");
  }
}
