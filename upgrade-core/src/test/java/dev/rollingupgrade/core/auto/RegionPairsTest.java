package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Geo pairs: symmetric, one partner a region, clear messages. */
class RegionPairsTest {
  @Test
  void pairsAreSymmetricAndIgnoreCase() {
    RegionPairs pairs = RegionPairs.of(Map.of("EastUS", "westus"));
    assertThat(pairs.partnerOf("eastus")).contains("westus");
    assertThat(pairs.partnerOf("WestUS")).contains("eastus");
    assertThat(pairs.partnerOf("uksouth")).isEmpty();
    assertThat(pairs.partnerOf(null)).isEmpty();
    assertThat(pairs.size()).isEqualTo(1);
    assertThat(pairs).hasToString("RegionPairs[eastus/westus]");
  }

  @Test
  void aPairMayBeListedInBothDirections() {
    Map<String, String> both = new LinkedHashMap<>();
    both.put("eastus", "westus");
    both.put("westus", "eastus");
    assertThat(RegionPairs.of(both)).isEqualTo(RegionPairs.none().with("westus", "eastus"));
  }

  @Test
  void aRegionPairedTwiceOrWithItselfIsRejected() {
    Map<String, String> twice = new HashMap<>();
    twice.put("eastus", "westus");
    twice.put("centralus", "westus");
    assertThatThrownBy(() -> RegionPairs.of(twice)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region pair: region westus is paired twice: with centralus and with eastus");
    Map<String, String> reversed = new TreeMap<>(java.util.Comparator.reverseOrder());
    reversed.putAll(twice);
    assertThatThrownBy(() -> RegionPairs.of(reversed)).hasMessage("region pair: region westus is paired twice: with centralus and with eastus");
    assertThatThrownBy(() -> RegionPairs.of(Map.of("eastus", "EASTUS"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region pair: region eastus cannot be paired with itself");
    assertThatThrownBy(() -> RegionPairs.azure().with("eastus", "westus3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region pair: region eastus is paired twice: with westus and with westus3");
    assertThatThrownBy(() -> RegionPairs.none().with("eastus", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region: must not be blank (got \" \")");
    assertThatThrownBy(() -> RegionPairs.of(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pairs: must not be null");
  }

  @Test
  void withTheSamePairAgainChangesNothing() {
    RegionPairs pairs = RegionPairs.azure();
    assertThat(pairs.with("WestUS", "eastus")).isSameAs(pairs);
    assertThat(pairs.with("westus3", "polandcentral").partnerOf("westus3")).contains("polandcentral");
    assertThat(pairs.partnerOf("westus3")).isEmpty();
  }

  @Test
  void azureKnowsTheWellKnownPairs() {
    RegionPairs azure = RegionPairs.azure();
    Map<String, String> expected = Map.of("eastus", "westus", "eastus2", "centralus", "northeurope", "westeurope",
        "uksouth", "ukwest", "japaneast", "japanwest", "southeastasia", "eastasia", "australiaeast", "australiasoutheast");
    expected.forEach((a, b) -> {
      assertThat(azure.partnerOf(a)).as(a).contains(b);
      assertThat(azure.partnerOf(b)).as(b).contains(a);
    });
    azure.asMap().forEach((a, b) -> assertThat(azure.partnerOf(b)).as("partner of %s", b).contains(a));
    assertThat(azure.size()).isEqualTo(azure.asMap().size() / 2).isGreaterThanOrEqualTo(20);
  }
}
