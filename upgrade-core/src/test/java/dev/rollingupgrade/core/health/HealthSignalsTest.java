package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The model picks the signal, and the driver to run with it comes along, so no run reads pre-upgrade health. */
class HealthSignalsTest {
  private static final ImageReference IMAGE = ImageReference.platform("Canonical", "ubuntu", "server", "1.0.0");

  /** A driver whose restarts are done at once (the shortest restart there is). */
  private static final class InstantDriver implements InstanceDriver {
    @Override
    public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(instanceId));
    }

    @Override
    public CompletionStage<Void> replaceOsDisk(String scaleSetName, String instanceId, ImageReference image,
        List<Extension> extensionsInOrder) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> restorePreviousOsDisk(String scaleSetName, String instanceId) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String scaleSetName, String instanceId, Extension extension,
        String version) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String scaleSetName, String instanceId) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private static ScaleSet scaleSet(Map<String, Object> healthSettings) {
    ExtensionProfile.Builder extensions = ExtensionProfile.builder();
    if (healthSettings != null) {
      extensions.addExtensions(Extension.builder().name("health").publisher(Extension.HEALTH_EXTENSION_PUBLISHER)
          .type("ApplicationHealthLinux").typeHandlerVersion("2.0").settings(healthSettings).build());
    }
    return ScaleSet.builder().name("web").location("westeurope").capacity(1)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(IMAGE)
            .extensionProfile(extensions.build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(healthSettings != null ? UpgradeMode.ROLLING : UpgradeMode.MANUAL)
            .build()).build();
  }

  @Test
  void withProbesTheDriverToRunWithReportsRestartsSoTheOldHealthIsNeverRead() throws Exception {
    InstantDriver mine = new InstantDriver();
    try (SystemScheduler scheduler = SystemScheduler.withThreads(2); LoopbackEndpoint endpoint = new LoopbackEndpoint();
        ScaleSetHealth h = HealthSignals.forScaleSet(scaleSet(Map.of("protocol", "http", "port", 80,
            "requestPath", "/health", "intervalInSeconds", 0.05, "gracePeriod", 60)), mine, scheduler,
            (set, id, port) -> new InetSocketAddress("127.0.0.1", endpoint.port()), HttpClient.newHttpClient())) {
      endpoint.answers(200, "");
      assertThat(h.applicationHealth()).isPresent();
      assertThat(h.signal()).isSameAs(h.applicationHealth().orElseThrow());
      assertThat(h.signal().health("web", "0").toCompletableFuture().get(20, TimeUnit.SECONDS))
          .isEqualTo(HealthState.HEALTHY);
      assertThat(h.driver()).isNotSameAs(mine);
      h.driver().replaceOsDisk("web", "0", IMAGE, List.of()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(h.signal().health("web", "0").toCompletableFuture().get(20, TimeUnit.SECONDS))
          .as("right after a restart that took no time: not the health from before it")
          .isEqualTo(HealthState.INITIALIZING);
    }
  }

  @Test
  void withoutProbesItIsTheDefaultRuleAndYourDriver() {
    InstantDriver mine = new InstantDriver();
    try (SystemScheduler scheduler = SystemScheduler.withThreads(1);
        ScaleSetHealth h = HealthSignals.forScaleSet(scaleSet(null), mine, scheduler,
            InstanceAddressResolver.loopback())) {
      assertThat(h.applicationHealth()).isEmpty();
      assertThat(h.signal()).isInstanceOf(PlatformHealthSignal.class);
      assertThat(h.driver()).isSameAs(mine);
    }
  }
}
