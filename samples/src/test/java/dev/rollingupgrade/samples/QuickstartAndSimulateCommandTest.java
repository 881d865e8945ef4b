package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.json.AzureJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code quickstart} and {@code simulate} commands as a user runs them. */
class QuickstartAndSimulateCommandTest {
  private StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  @Test
  void quickstartRollsTwentyInstancesWithOneRolledBackAndCompletes() {
    assertThat(run("quickstart")).isZero();
    assertThat(lines()).filteredOn(l -> l.contains("batch ") && l.contains("): zone")).hasSize(10);
    assertThat(out.toString())
        .contains("13: FAILED (HealthTimeout)")
        .contains("13: rolled back to its previous OS disk")
        .contains("Final status: Completed - 19 succeeded, 1 failed, 0 in progress, 0 pending; 1 rolled back")
        .contains("Virtual time 00:20:30");
  }

  @Test
  void quickstartJsonIsOnlyTheAzureShapedFinalStatus() {
    assertThat(run("quickstart", "--json")).isZero();
    RollingUpgradeStatus status = AzureJson.readRollingUpgradeStatus(out.toString());
    assertThat(status.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(status.progress().orElseThrow().failedInstanceCount()).isEqualTo(1);
    assertThat(status.progress().orElseThrow().total()).isEqualTo(20);
  }

  @Test
  void theSameSeedGivesTheSameDigestAndAnotherSeedAnother() {
    assertThat(run("simulate", "--instances", "150", "--seed", "7", "--fault-rate", "0.03")).isZero();
    String first = lines().get(lines().size() - 1);
    assertThat(out.toString()).contains("invariants: all obeyed");
    run("simulate", "--instances", "150", "--seed", "7", "--fault-rate", "0.03");
    String again = lines().get(lines().size() - 1);
    run("simulate", "--instances", "150", "--seed", "8", "--fault-rate", "0.03");
    String other = lines().get(lines().size() - 1);
    assertThat(first).matches("digest: [0-9a-f]{64}").isEqualTo(again).isNotEqualTo(other);
  }

  @Test
  void simulateJsonIsOneJsonDocumentAndTheDigestGoesToStderr() throws Exception {
    ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    for (List<String> scenario : List.of(List.of("--instances", "30"), List.of("--scenario", "multi-region"),
        List.of("--scenario", "extensions"))) {
      List<String> args = new java.util.ArrayList<>(List.of("simulate", "--seed", "1"));
      args.addAll(scenario);
      err.getBuffer().setLength(0);
      assertThat(run(args.toArray(String[]::new))).isZero();
      String digest = lines().get(lines().size() - 1);
      assertThat(digest).matches("digest: [0-9a-f]{64}");
      args.add("--json");
      err.getBuffer().setLength(0);
      assertThat(run(args.toArray(String[]::new))).isZero();
      strict.readTree(out.toString()); // the whole output is one JSON document
      assertThat(out.toString()).doesNotContain("digest");
      assertThat(err.toString()).isEqualTo(digest + "\n");
    }
    run("simulate", "--instances", "30", "--seed", "1", "--json");
    assertThat(AzureJson.readRollingUpgradeStatus(out.toString()).progress().orElseThrow().total()).isEqualTo(30);
  }

  @Test
  void badSimulationArgumentsExitTwo() {
    assertThat(run("simulate", "--instances", "0", "--seed", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--instances must be between 1 and 1000000 (got 0)");
    assertThat(run("simulate", "--instances", "10", "--seed", "1", "--fault-rate", "2")).isEqualTo(2);
    assertThat(run("simulate", "--instances", "10")).isEqualTo(2);
  }

  @Test
  void theMultiRegionScenarioRunsAndRefusesSingleSetOptions() {
    assertThat(run("simulate", "--scenario", "multi-region", "--seed", "1")).isZero();
    assertThat(lines().get(lines().size() - 1)).startsWith("digest: ");
    assertThat(out.toString()).contains("phase 1").contains("westeurope");
    String digest = lines().get(lines().size() - 1);
    assertThat(run("simulate", "--scenario", "multi-region", "--seed", "1", "--instances", "50")).isEqualTo(2);
    assertThat(err.toString()).contains("--instances is for the single-set scenario");
    assertThat(run("simulate", "--seed", "1", "--instances", "10", "--failing-region", "mars")).isEqualTo(2);
    assertThat(err.toString()).contains("--failing-region is for --scenario multi-region");
    assertThat(run("simulate", "--scenario", "multi-region", "--seed", "1")).isZero();
    assertThat(lines().get(lines().size() - 1)).isEqualTo(digest);
  }

  @Test
  void theExtensionsScenarioShowsTheRollbackTheRetryAndTheSuccess() {
    assertThat(run("simulate", "--scenario", "extensions", "--seed", "1")).isZero();
    String first = out.toString();
    assertThat(first).contains("got the previous version back", "waiting_to_retry", "retry at",
        "VMs still on agent 9.10: 0");
    assertThat(lines()).filteredOn(l -> l.contains("DependencyAgentLinux 9.10.4: Completed")).isNotEmpty();
    assertThat(run("simulate", "--scenario", "extensions", "--seed", "1")).isZero();
    assertThat(out.toString()).isEqualTo(first); // deterministic for a seed
    assertThat(run("simulate", "--scenario", "extensions", "--seed", "1", "--failing-region", "eastus")).isEqualTo(2);
  }
}
