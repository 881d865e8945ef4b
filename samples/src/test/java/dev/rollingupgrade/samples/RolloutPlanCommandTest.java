package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --rollout}: the phases of a multi-region rollout as a user runs it. */
class RolloutPlanCommandTest {
  private static final String UBUNTU = "{\"publisher\": \"Canonical\", \"offer\": \"UbuntuServer\", \"sku\": \"18.04-LTS\", \"version\": \"latest\"}";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir
  Path dir;

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  private Path file(String json) throws IOException {
    return Files.writeString(dir.resolve("rollout.json"), json);
  }

  private static String set(String name, String location, String zones, int capacity, String image) {
    return "{\"name\": \"" + name + "\", \"location\": \"" + location + "\", \"zones\": " + zones + ", \"capacity\": " + capacity
        + ", \"imageReference\": " + image + "}";
  }

  @Test
  void theSixRegionExamplePlansThreePhases() {
    assertThat(run("plan", "--rollout", "rollouts/six-regions.json")).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(lines().get(0)).isEqualTo("rollout rollouts/six-regions.json: 12 scale sets in 6 regions, 1 image, 3 geo pairs");
    assertThat(lines().get(1)).isEqualTo("image Canonical:UbuntuServer:18.04-LTS:latest: 12 scale sets in 6 regions, 3 phases");
    assertThat(lines()).filteredOn(l -> l.startsWith("phase ")).extracting(l -> l.substring(0, l.indexOf(": ", 8)))
        .containsExactly("phase 1: eastasia", "phase 2: centralus, westeurope", "phase 3: eastus2, southeastasia, northeurope");
    assertThat(lines()).contains(
        "  region eastus2: not in phase 2: its pair centralus is there; the 3rd fewest instances (90 in 2 scale sets)",
        "    wave 2: web-eastus2: spans zones 1, 2, 3: runs alone, walking its zones one after another");
    assertThat(lines()).filteredOn(l -> l.startsWith("  region ")).hasSize(6);
    assertThat(lines()).filteredOn(l -> l.startsWith("    wave ")).hasSize(12);
    assertThat(lines().get(lines().size() - 1)).isEqualTo("phases: 3");
  }

  @Test
  void eachImageGetsItsOwnPlanAndAzurePairsCanBeAdded() throws IOException {
    String other = "{\"id\": \"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/gal/images/app\"}";
    Path rollout = file("{\"scaleSets\": [" + String.join(", ",
        set("a", "eastus", "[]", 10, UBUNTU), set("b", "westus", "[\"1\"]", 20, UBUNTU),
        set("c", "uksouth", "[\"1\", \"2\"]", 3, UBUNTU), set("d", "EastUS", "[]", 5, other)) + "]}");
    assertThat(run("plan", "--rollout", rollout.toString())).isZero();
    assertThat(lines()).contains("phase 2: eastus, westus: up to 2 regions (twice phase 1's 1); starts once phase 1 has succeeded");
    assertThat(lines()).filteredOn(l -> l.startsWith("image ")).containsExactly(
        "image /subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/gal/images/app: 1 scale set in 1 region, 1 phase",
        "image Canonical:UbuntuServer:18.04-LTS:latest: 3 scale sets in 3 regions, 2 phases");
    assertThat(lines().get(lines().size() - 1)).isEqualTo("phases: 1, 2");

    out.getBuffer().setLength(0);
    assertThat(run("plan", "--rollout", rollout.toString(), "--azure-pairs")).isZero();
    assertThat(lines()).contains("phase 2: eastus: up to 2 regions (twice phase 1's 1); starts once phase 1 has succeeded;"
        + " holds 1: the other regions left are paired with regions here");
    assertThat(lines()).contains("  region westus: not in phase 2: its pair eastus is there; the 3rd fewest instances (20 in 1 scale set)");
    assertThat(lines().get(lines().size() - 1)).isEqualTo("phases: 1, 3");
  }

  @Test
  void phaseSizesCanBeChosen() {
    assertThat(run("plan", "--rollout", "rollouts/six-regions.json", "--first-phase-regions", "2",
        "--max-regions-per-phase", "3")).isZero();
    assertThat(lines()).filteredOn(l -> l.startsWith("phase ")).extracting(l -> l.substring(0, l.indexOf(": ", 8)))
        .containsExactly("phase 1: eastasia, centralus", "phase 2: eastus2, westeurope, southeastasia", "phase 3: northeurope");
  }

  @Test
  void everyProblemOfTheFileIsALineWithItsPathAndExitOne() throws IOException {
    Path rollout = file("{\"regionPairs\": [[\"eastus\", \"westus\"], [\"westus\", \"centralus\"], \"eastus\"], \"scaleSets\": ["
        + String.join(", ", set("a", "eastus", "[]", 1, UBUNTU), set("b", "eastus", "[\"1\", \"1\"]", 1, UBUNTU),
        set("a", "westus", "\"1\"", 2, UBUNTU), set("c", " ", "[]", 1, "{\"publisher\": \"Canonical\"}"),
        "{\"name\": 7, \"location\": \"eastus\", \"capacity\": 1.5}") + "]}");
    assertThat(run("plan", "--rollout", rollout.toString())).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).containsExactly(
        "regionPairs[1]: region westus is paired twice: with eastus and with centralus (got [\"westus\",\"centralus\"])",
        "regionPairs[2]: must be a pair of region names, e.g. [\"eastus\", \"westus\"] (got \"eastus\")",
        "scaleSets[1].zones[1]: names a zone twice (got \"1\")",
        "scaleSets[2].name: is taken by scaleSets[0]: names must be unique (got \"a\")",
        "scaleSets[2].zones: must be a JSON array of zone names, e.g. [\"1\", \"2\"] (got \"1\")",
        "scaleSets[3].location: must not be blank (got \" \")",
        "scaleSets[3].imageReference.offer: must not be blank (got null)",
        "scaleSets[3].imageReference.sku: must not be blank (got null)",
        "scaleSets[3].imageReference.version: must be 'latest' or major.minor.build such as 22.04.202401010 (got null)",
        "scaleSets[4].name: must be a string (got 7)",
        "scaleSets[4].capacity: must be a whole number from 0 to 10000000 (got 1.5)",
        "scaleSets[4].imageReference: is required: publisher, offer, sku and version, or id (got null)",
        "plan: 12 problems in " + rollout);
  }

  @Test
  void malformedOrEmptyJsonExitsTwoLikeValidateWithLineAndColumn() throws IOException {
    Path rollout = file("{\"scaleSets\": [\n");
    assertThat(run("plan", "--rollout", rollout.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("(document): not valid JSON at line 2, column 1: Unexpected end-of-input")
        .doesNotContain("REDACTED").contains("plan: 1 problem in ");
    err.getBuffer().setLength(0);
    assertThat(run("plan", "--rollout", file("").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("(document): the document is empty");
    // a byte order mark some editors write is skipped
    assertThat(run("plan", "--rollout", file("\uFEFF{\"scaleSets\": []}").toString())).isZero();
  }

  @Test
  void noScaleSetsNoPhases() throws IOException {
    assertThat(run("plan", "--rollout", file("{\"scaleSets\": []}").toString())).isZero();
    assertThat(lines()).endsWith("no scale sets: nothing to roll out", "phases: 0");
  }

  @Test
  void unreadableFilesAndMixedOptionsExitTwo() {
    assertThat(run("plan", "--rollout", "rollouts/no-such.json")).isEqualTo(2);
    assertThat(err.toString()).contains("plan: cannot read rollouts/no-such.json: no such file");
    assertThat(run("plan", "--rollout", "rollouts/six-regions.json", "--instances", "10")).isEqualTo(2);
    assertThat(err.toString()).contains("--rollout plans phases from its file alone");
    assertThat(run("plan", "--azure-pairs")).isEqualTo(2);
    assertThat(err.toString()).contains("--azure-pairs, --first-phase-regions and --max-regions-per-phase go with --rollout");
    assertThat(run("plan", "--rollout", "rollouts/six-regions.json", "--max-regions-per-phase", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-regions-per-phase must be between 1 and 1000 (got 0)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void theHelpPointsAtTheExample() {
    assertThat(run("plan", "--help")).isZero();
    assertThat(out.toString()).contains("--rollout").contains("--azure-pairs").contains("samples/rollouts/six-regions.json");
  }
}
