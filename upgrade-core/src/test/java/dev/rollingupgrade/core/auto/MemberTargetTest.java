package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.core.json.AzureJson;
import org.junit.jupiter.api.Test;

class MemberTargetTest {
  @Test
  void imageAndExtensionTargetsReadBackAsWrittenAndAnOldBareImageStillReads() {
    ImageReference image = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.2");
    MemberTarget byImage = MemberTarget.image(image);
    assertThat(MemberTarget.read(byImage.write())).isEqualTo(byImage);
    assertThat(byImage.version()).contains("18.04.2");

    Extension agent = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
        .type("DependencyAgentLinux").typeHandlerVersion("9.10").protectedSettings(dev.rollingupgrade.api.ProtectedSettings.of(java.util.Map.of("key", "s3cret"))).build();
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().respectUpdateDomains(false).build();
    MemberTarget byExtension = MemberTarget.extension(TargetExtension.of(agent, "9.10.4"), policy);
    assertThat(MemberTarget.read(byExtension.write())).isEqualTo(byExtension);
    assertThat(byExtension.write()).doesNotContain("s3cret");
    assertThat(byExtension.display()).isEqualTo("Microsoft.Azure.Monitoring.DependencyAgent/DependencyAgentLinux 9.10.4");

    // journals written before extension rollouts hold the image reference itself
    assertThat(MemberTarget.read(AzureJson.write(image))).isEqualTo(byImage);
  }
}
