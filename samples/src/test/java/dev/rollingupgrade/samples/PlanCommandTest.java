package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code plan} dry run as a user runs it. */
class PlanCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  @Test
  void hundredInstancesOverThreeZonesAndFiveUpdateDomains() {
    assertThat(run("plan", "--instances", "100", "--zones", "3", "--update-domains", "5")).isZero();
    assertThat(lines()).hasSize(1 + 15 + 1);
    assertThat(lines().get(1)).isEqualTo("batch 1: zone 1, UD 0, 7 of 7 instances, cap 20: 0,15,30,45,60,75,90");
    assertThat(lines().get(lines().size() - 1)).isEqualTo("batches: 15");
  }

  @Test
  void crossZoneGivesEightBatches() {
    assertThat(run("plan", "--instances", "100", "--zones", "3", "--update-domains", "5", "--cross-zone")).isZero();
    assertThat(lines().get(lines().size() - 1)).isEqualTo("batches: 8");
  }

  @Test
  void unhealthyInstancesShrinkBatches() {
    // 19 unhealthy of 100 (budget 20): in UD 0 the 10 unhealthy ones cost nothing, one healthy may join
    assertThat(run("plan", "--instances", "100", "--unhealthy", "19", "--update-domains", "2")).isZero();
    assertThat(lines().get(1)).startsWith("batch 1: zone 1, UD 0, 10 of 50 instances, cap 20, split into 5 balanced batches, "
        + "shrunk to 10: 19 of 20 allowed unhealthy already unhealthy: 0,2,4,6,8,10,12,14,");
  }

  @Test
  void unhealthyInstancesGoFirstOnRequest() {
    assertThat(run("plan", "--instances", "100", "--unhealthy", "17", "--update-domains", "1", "--prioritize-unhealthy")).isZero();
    assertThat(lines().get(1)).startsWith("batch 1: zone 1, UD 0, 20 of 100 instances, cap 20").contains("17 unhealthy first");
  }

  @Test
  void aRealModelAndInstanceList() {
    assertThat(run("plan", "--file", "examples/rolling-scale-set.json",
        "--instances-file", "examples/rolling-scale-set-instances.json")).isZero();
    assertThat(lines().get(0)).isEqualTo("plan: scale set web-vmss: 20 instances, 18 to upgrade, 1 already at target, "
        + "1 protected, cap 4, unhealthy budget 4, 10 batches");
    assertThat(out.toString()).doesNotContain(": 4\n").doesNotContain(",13,");
  }

  @Test
  void badArgumentsExitTwoWithAClearMessage() {
    assertThat(run("plan", "--instances", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--instances must be between 1 and 10000000 (got 0)");
    assertThat(run("plan", "--instances", "10", "--unhealthy", "11")).isEqualTo(2);
    assertThat(err.toString()).contains("--unhealthy must be between 0 and 10 (got 11)");
    assertThat(run("plan", "--instances", "10", "--max-batch-percent", "3")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-batch-percent must be between 5 and 100 (got 3)");
    assertThat(run("plan")).isEqualTo(2);
    assertThat(run("plan", "--file", "examples/rolling-scale-set.json")).isEqualTo(2);
    assertThat(err.toString()).contains("--file and --instances-file go together");
    assertThat(out.toString()).isEmpty();
  }
}
