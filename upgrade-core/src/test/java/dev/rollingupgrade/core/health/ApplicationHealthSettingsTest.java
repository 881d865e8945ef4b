package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.core.health.ApplicationHealthSettings.Protocol;
import dev.rollingupgrade.core.json.AzureJson;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The extension's settings as Azure names them, their defaults and ranges; the default rule without one. */
class ApplicationHealthSettingsTest {
  @Test
  void aScaleSetReadFromAzureJsonHasItsHealthSettings() {
    ScaleSet set = AzureJson.readScaleSet("""
        {"name": "web", "location": "westeurope", "properties": {
          "upgradePolicy": {"mode": "Rolling"},
          "virtualMachineProfile": {
            "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "ubuntu-24_04-lts",
              "sku": "server", "version": "latest"}},
            "extensionProfile": {"extensions": [{"name": "health", "properties": {
              "publisher": "Microsoft.ManagedServices", "type": "ApplicationHealthLinux", "typeHandlerVersion": "2.0",
              "settings": {"protocol": "http", "port": 8080, "requestPath": "/health", "intervalInSeconds": 10,
                "numberOfProbes": 3}}}]}}}}
        """);
    ApplicationHealthSettings s = ApplicationHealthSettings.of(set).orElseThrow();
    assertThat(s.protocol()).isEqualTo(Protocol.HTTP);
    assertThat(s.port()).isEqualTo(8080);
    assertThat(s.requestPath()).contains("/health");
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.numberOfProbes()).isEqualTo(3);
    assertThat(s.gracePeriod()).as("interval x numberOfProbes by default").isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void defaultsFollowTheProtocol() {
    ApplicationHealthSettings https = ApplicationHealthSettings.fromSettings(Map.of("protocol", "https",
        "requestPath", "/"));
    assertThat(https.port()).isEqualTo(443);
    assertThat(https.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(https.numberOfProbes()).isEqualTo(1);
    assertThat(ApplicationHealthSettings.fromSettings(Map.of("protocol", "http", "requestPath", "/h")).port())
        .isEqualTo(80);
    ApplicationHealthSettings fast = ApplicationHealthSettings.fromSettings(Map.of("protocol", "tcp", "port", 9000,
        "intervalInSeconds", 0.2, "gracePeriod", 1.5));
    assertThat(fast.interval()).isEqualTo(Duration.ofMillis(200));
    assertThat(fast.gracePeriod()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void everyProblemIsReportedAtOnceUnderItsPath() {
    assertThatThrownBy(() -> ApplicationHealthSettings.fromSettings(Map.of("protocol", "udp", "port", 1.5,
        "numberOfProbes", "three", "intervalInSeconds", "soon")))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("settings.protocol").hasMessageContaining("settings.port")
        .hasMessageContaining("settings.numberOfProbes").hasMessageContaining("settings.intervalInSeconds");
    assertThatThrownBy(() -> ApplicationHealthSettings.fromSettings(Map.of("protocol", "tcp")))
        .hasMessageContaining("settings.port").hasMessageContaining("required for tcp");
    assertThatThrownBy(() -> ApplicationHealthSettings.fromSettings(Map.of("protocol", "http", "port", 70000,
        "numberOfProbes", 25, "gracePeriod", 20000)))
        .hasMessageContaining("settings.requestPath").hasMessageContaining("settings.port")
        .hasMessageContaining("settings.numberOfProbes").hasMessageContaining("settings.gracePeriod");
  }

  @Test
  void aRequestPathIsAPathOfAUri() {
    for (String bad : new String[] {"health", "/he alth", "/health\n", "/a\tb", "/a{b}", "/health#top", ""}) {
      assertThatThrownBy(() -> ApplicationHealthSettings.fromSettings(Map.of("protocol", "http", "requestPath", bad)))
          .as("requestPath %s", bad).isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("settings.requestPath");
      assertThatThrownBy(() -> ApplicationHealthSettings.https(443, bad)).as("requestPath %s", bad)
          .isInstanceOf(InvalidModelException.class).hasMessageContaining("settings.requestPath");
    }
    assertThat(ApplicationHealthSettings.http(8080, "/health?full=1").requestPath()).contains("/health?full=1");
    assertThat(ApplicationHealthSettings.http(8080, "/").requestPath()).contains("/");
  }

  @Test
  void notANumberAndInfinityAreInvalidNumbersNotACrash() {
    for (double odd : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      for (String name : new String[] {"port", "numberOfProbes", "intervalInSeconds", "gracePeriod"}) {
        assertThatThrownBy(() -> ApplicationHealthSettings.fromSettings(Map.of("protocol", "http",
            "requestPath", "/health", name, odd))).as("%s %s", name, odd).isInstanceOf(InvalidModelException.class)
            .hasMessageContaining("settings." + name);
      }
      assertThatThrownBy(() -> ApplicationHealthSettings.fromSettings(Map.of("protocol", "tcp", "port", (float) odd)))
          .isInstanceOf(InvalidModelException.class).hasMessageContaining("settings.port");
    }
  }

  @Test
  void withoutAProbeAnInstanceIsHealthyIffRunningAndProvisioned() {
    Instance.Builder base = Instance.builder().instanceId("0");
    assertThat(PlatformHealthSignal.healthOf(base.build())).isEqualTo(HealthState.HEALTHY);
    assertThat(PlatformHealthSignal.healthOf(base.powerState(PowerState.STOPPED).build()))
        .isEqualTo(HealthState.UNHEALTHY);
    assertThat(PlatformHealthSignal.healthOf(base.powerState(PowerState.RUNNING)
        .provisioningState(ProvisioningState.FAILED).build())).isEqualTo(HealthState.UNHEALTHY);
    assertThat(PlatformHealthSignal.healthOf(base.provisioningState(ProvisioningState.UNKNOWN).build()))
        .isEqualTo(HealthState.UNKNOWN);
  }
}
