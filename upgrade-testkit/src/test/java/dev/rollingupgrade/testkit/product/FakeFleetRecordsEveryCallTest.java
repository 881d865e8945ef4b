package dev.rollingupgrade.testkit.product;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.GalleryImageVersion;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import org.junit.jupiter.api.Test;

/** The fake fleet is also an image catalog, and records every call made to any of its faces. */
class FakeFleetRecordsEveryCallTest {

  @Test
  void catalogAnswersWhatWasPublishedAndEveryCallIsRecorded() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    FakeFleet fleet = env.fleet();
    fleet.publishPlatformVersions("westeurope", "24.04.202409010", "24.04.202410010")
        .publishGalleryVersions("/galleries/g/images/web",
            GalleryImageVersion.builder().version("1.0.0").addTargetRegion("westeurope").build());
    assertThat(fleet.platformImageVersions("westeurope", "Canonical", "ubuntu-24_04-lts", "server").toCompletableFuture().join())
        .containsExactly("24.04.202409010", "24.04.202410010");
    assertThat(fleet.platformImageVersions("eastus", "Canonical", "ubuntu-24_04-lts", "server").toCompletableFuture().join())
        .isEmpty();
    assertThat(fleet.galleryImageVersions("/galleries/g/images/web").toCompletableFuture().join())
        .extracting(GalleryImageVersion::version).containsExactly("1.0.0");
    fleet.publishExtensionVersions("westeurope", "Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", "1.33", "1.34");
    assertThat(fleet.versions("westeurope", "Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent").toCompletableFuture().join())
        .containsExactly("1.33", "1.34");
    fleet.health("vmss", "3");
    fleet.subscribe("vmss", (id, h) -> { });
    assertThat(fleet.calls()).extracting(DriverCall::kind).containsExactly(DriverCall.Kind.PLATFORM_IMAGE_VERSIONS,
        DriverCall.Kind.PLATFORM_IMAGE_VERSIONS, DriverCall.Kind.GALLERY_IMAGE_VERSIONS, DriverCall.Kind.EXTENSION_VERSIONS,
        DriverCall.Kind.HEALTH, DriverCall.Kind.SUBSCRIBE);
    assertThat(fleet.stateChangingCalls()).isEmpty();
  }

  @Test
  void withRecordingOffNothingIsKept() {
    RolloutTestEnvironment env = RolloutTestEnvironment.builder().fleet(f -> f.recording(false)).build();
    env.start(env.scaleSet());
    env.runUntilDone();
    assertThat(env.fleet().calls()).isEmpty();
    assertThat(env.fleet().healthChanges()).isEmpty();
    assertThat(env.fleet().instance("9").image()).isEqualTo(env.nextImage());
  }
}
