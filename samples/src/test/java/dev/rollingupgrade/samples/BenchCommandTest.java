package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quick benchmark prints its table and one parsable line per figure; it only advises (exit 0)
 * and names on stderr the figures that missed their targets (this machine's speed decides which).
 */
class BenchCommandTest {
  @Test
  void quickBenchPrintsEveryFigure() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "bench", "--quick");
    List<String> lines = out.toString().lines().toList();
    boolean missed = lines.stream().anyMatch(l -> l.contains(" NO "));
    assertThat(code).isZero();
    if (missed) {
      assertThat(err.toString()).startsWith("bench --quick (advisory; run without --quick to judge): ");
    } else {
      assertThat(err.toString()).isEmpty();
    }
    for (String figure : List.of("planner-1m-ms", "planner-scaling-10x", "phase-plan-10k-ms", "overhead-us-per-instance", "peak-heap-mib",
        "makespan-ratio", "parallel-ratio", "durable-overhead-ratio", "probe-ratio", "fleet",
        "postgres-overhead-ratio")) {
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(figure + ": [0-9.]+"));
    }
    // the makespan is computed, not timed: a fault-free run loses no time between batches
    assertThat(lines).contains("makespan-ratio: 1.000");
  }

  @Test
  void theMakespanBoundCountsTheFewestBatchesFromTheRules() {
    // the fleet of plan --instances 100 --zones 3 --update-domains 5: instance i in zone i mod 3 + 1, UD (i div 3) mod 5
    List<Instance> fleet = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fleet.add(Instance.builder().instanceId(String.valueOf(i)).zone(String.valueOf(i % 3 + 1))
          .platformUpdateDomain(i / 3 % 5).build());
    }
    // 15 (zone, UD) groups of 6 or 7, each within the cap of 20: one batch each
    assertThat(BenchCommand.fewestBatches(fleet, RollingUpgradePolicy.defaults())).isEqualTo(15);
    // across zones: UDs 0-2 hold 21 each (two batches), UD 3 19 and UD 4 18 (one each)
    assertThat(BenchCommand.fewestBatches(fleet, RollingUpgradePolicy.builder().enableCrossZoneUpgrade(true).build()))
        .isEqualTo(8);
    assertThat(BenchCommand.fewestBatches(fleet, RollingUpgradePolicy.builder().enableCrossZoneUpgrade(true)
        .respectUpdateDomains(false).build())).isEqualTo(5);
    // the unhealthy budget (10 of 100) limits a batch below the cap: groups of 21 take three
    assertThat(BenchCommand.fewestBatches(fleet, RollingUpgradePolicy.builder().enableCrossZoneUpgrade(true)
        .maxUnhealthyInstancePercent(10).build())).isEqualTo(3 * 3 + 2 + 2);
  }
}
