package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.core.json.AzureJson;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's code example, kept compiling and true. */
class ReadmeExampleTest {
  @Test
  void theReadmeExampleWorks() {
    ScaleSet set = AzureJson.readScaleSet(Path.of("examples/rolling-scale-set.json"));
    RollingUpgradePolicy policy = set.upgradePolicy().rollingUpgradePolicy();
    assertThat(policy.maxBatchInstancePercent() + " % per batch, health wait " + policy.healthTimeout())
        .isEqualTo("20 % per batch, health wait PT5M");

    ScaleSet faster = ScaleSet.builder().from(set).upgradePolicy(UpgradePolicy.builder()
        .mode(UpgradeMode.ROLLING)
        .rollingUpgradePolicy(RollingUpgradePolicy.builder().maxBatchInstancePercent(10).build())
        .build()).build();
    assertThat(AzureJson.write(faster)).contains("\"maxBatchInstancePercent\" : 10").contains("\"***\"")
        .doesNotContain("not-a-real-key");
    assertThatThrownBy(() -> RollingUpgradePolicy.builder().maxBatchInstancePercent(1).build())
        .isInstanceOf(InvalidModelException.class);
  }
}
