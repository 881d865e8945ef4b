package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.sim.MultiRegionSimulation;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiRegionRolloutTest {
  @Test
  void aReleaseRollsPhaseByPhaseAndAFaultStopsItsPhase() {
    var result = MultiRegionSimulation.of(1, "westeurope").run();
    RolloutStatus first = result.first();
    assertThat(first.code()).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
    assertThat(first.members()).hasSize(12).allMatch(m -> m.state() == MemberState.COMPLETED);
    RolloutStatus second = result.second();
    assertThat(second.code()).isEqualTo(RollingUpgradeStatusCode.FAULTED);
    int failingPhase = second.plan().phaseOf("westeurope").orElseThrow().number();
    assertThat(second.phase()).isEqualTo(failingPhase);
    assertThat(second.error().orElseThrow().message().orElseThrow()).contains("westeurope");
    // later phases untouched
    for (RolloutStatus.Member m : second.members()) {
      if (m.phase() > failingPhase) {
        assertThat(m.state()).as(m.scaleSetName()).isEqualTo(MemberState.PENDING);
      }
    }
    // no two zones of one region in flight together
    List<FakeCloud.Upgrade> ups = result.cloud().upgrades();
    for (FakeCloud.Upgrade a : ups) {
      for (FakeCloud.Upgrade b : ups) {
        if (a != b && a.region().equals(b.region()) && !a.zone().equals(b.zone())) {
          assertThat(a.overlaps(b)).as(a + " and " + b).isFalse();
        }
      }
    }
  }
}
