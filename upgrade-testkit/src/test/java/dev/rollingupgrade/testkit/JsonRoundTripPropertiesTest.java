package dev.rollingupgrade.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.json.SecretHandling;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;

/** Any valid model survives a JSON round trip; any out-of-range field is reported with its path. */
class JsonRoundTripPropertiesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String POLICY = "properties.upgradePolicy.rollingUpgradePolicy";

  @Provide
  Arbitrary<ScaleSet> scaleSets() {
    return ModelArbitraries.scaleSets();
  }

  @Provide
  Arbitrary<List<Instance>> instanceLists() {
    return ModelArbitraries.instances().list().ofMaxSize(5);
  }

  @Property(tries = 300)
  void aScaleSetReadsBackEqual(@ForAll("scaleSets") ScaleSet set) {
    assertThat(AzureJson.readScaleSet(AzureJson.write(set, SecretHandling.INCLUDED))).isEqualTo(set);
  }

  @Property(tries = 200)
  void maskedOutputNeverHoldsASecret(@ForAll("scaleSets") ScaleSet set) {
    String masked = AzureJson.write(set);
    for (Extension e : set.virtualMachineProfile().extensionProfile().extensions()) {
      for (Object secret : e.protectedSettings().reveal().values()) {
        assertThat(masked).doesNotContain(secret.toString());
        assertThat(set.toString()).doesNotContain(secret.toString());
      }
    }
  }

  @Property(tries = 200)
  void instancesReadBackEqual(@ForAll("instanceLists") List<Instance> generated) {
    // an instance list holds each id once (a duplicate is refused): keep the first of each
    List<Instance> instances = new java.util.ArrayList<>(generated.stream()
        .collect(java.util.stream.Collectors.toMap(Instance::instanceId, i -> i, (a, b) -> a,
            java.util.LinkedHashMap::new)).values());
    assertThat(AzureJson.readInstances(AzureJson.writeInstances(instances))).isEqualTo(instances);
  }

  @Provide
  Arbitrary<Tuple3<ScaleSet, String, JsonNode>> outOfRange() {
    Arbitrary<Tuple.Tuple2<String, JsonNode>> field = Arbitraries.oneOf(
        number("maxBatchInstancePercent", outside(5, 100)),
        number("maxUnhealthyInstancePercent", outside(5, 100)),
        number("maxUnhealthyUpgradedInstancePercent", outside(0, 100)),
        text("pauseTimeBetweenBatches", Arbitraries.longs().between(1, 100_000).map(n -> "PT-" + n + "S")),
        text("healthTimeout", Arbitraries.oneOf(Arbitraries.just("PT0S"),
            Arbitraries.longs().between(24 * 3600 + 1, 10 * 24 * 3600).map(n -> "PT" + n + "S"))));
    return Combinators.combine(ModelArbitraries.scaleSets(), field).as((s, f) -> Tuple.of(s, f.get1(), f.get2()));
  }

  private static Arbitrary<Tuple.Tuple2<String, JsonNode>> number(String name, Arbitrary<Integer> values) {
    return values.map(v -> Tuple.of(name, (JsonNode) IntNode.valueOf(v)));
  }

  private static Arbitrary<Tuple.Tuple2<String, JsonNode>> text(String name, Arbitrary<String> values) {
    return values.map(v -> Tuple.of(name, (JsonNode) TextNode.valueOf(v)));
  }

  private static Arbitrary<Integer> outside(int min, int max) {
    return Arbitraries.oneOf(Arbitraries.integers().between(-10_000, min - 1),
        Arbitraries.integers().between(max + 1, 10_000));
  }

  @Property(tries = 300)
  void everyOutOfRangeFieldIsReportedWithItsPath(@ForAll("outOfRange") Tuple3<ScaleSet, String, JsonNode> c)
      throws Exception {
    ObjectNode doc = (ObjectNode) MAPPER.readTree(AzureJson.write(c.get1(), SecretHandling.INCLUDED));
    ((ObjectNode) doc.path("properties").path("upgradePolicy").path("rollingUpgradePolicy")).set(c.get2(), c.get3());
    assertThatThrownBy(() -> AzureJson.readScaleSet(doc.toString()))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> {
          assertThat(e.violations()).hasSize(1);
          Violation v = e.violations().get(0);
          assertThat(v.path()).isEqualTo(POLICY + "." + c.get2());
          // durations are reported as parsed (PT-60S shows as PT-1M)
          String shown = c.get3().isTextual() ? Duration.parse(c.get3().asText()).toString() : c.get3().toString();
          assertThat(v.value()).isEqualTo(shown);
          assertThat(v.message()).containsAnyOf("between", "duration");
        });
  }

  @Property(tries = 100)
  void aRollingPolicyReadsBackEqual(@ForAll("policies") RollingUpgradePolicy policy) {
    assertThat(AzureJson.readRollingUpgradePolicy(AzureJson.write(policy))).isEqualTo(policy);
  }

  @Provide
  Arbitrary<RollingUpgradePolicy> policies() {
    return ModelArbitraries.rollingUpgradePolicies();
  }
}
