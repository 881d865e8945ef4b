package dev.rollingupgrade.testkit.extension;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus;
import dev.rollingupgrade.testkit.sim.ExtensionSimulation;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** Issue 12's story for any seed: the broken instances get the previous version back, the retry brings everyone up to date. */
class ExtensionSimulationTest {
  @Property(tries = 20)
  void aBrokenReleaseIsRolledBackRetriedAndFinallyEverywhere(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    ExtensionSimulation.Result r = ExtensionSimulation.of(seed).run();
    ExtensionUpgradeStatus webAgent = r.beforeFix().statuses().stream()
        .filter(s -> s.scaleSet().equals("web") && s.extension().equals("agent")).findFirst().orElseThrow();
    assertThat(webAgent.state()).isEqualTo(ExtensionUpgradeStatus.State.WAITING_TO_RETRY);
    assertThat(webAgent.attempts()).isEqualTo(1);
    for (String id : r.broken()) {
      assertThat(r.beforeFix().versions()).anyMatch(v -> v.startsWith("web/" + id + " ") && v.matches(".*agent=9\\.10[,}].*"));
    }
    assertThat(r.afterRetry().statuses()).allMatch(s -> s.state() == ExtensionUpgradeStatus.State.UP_TO_DATE);
    assertThat(r.afterRetry().versions()).allMatch(v -> v.contains("agent=9.10.4"));
    assertThat(r.afterRetry().versions()).filteredOn(v -> v.startsWith("web/")).allMatch(v -> v.contains("monitor=1.33.2"));
    assertThat(ExtensionSimulation.of(seed).run().digest()).isEqualTo(r.digest());
  }
}
