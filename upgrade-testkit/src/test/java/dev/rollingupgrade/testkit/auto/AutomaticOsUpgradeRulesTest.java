package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.GalleryImageVersion;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.AutomaticUpgradeTiming;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.OperationNotAllowedException;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AutomaticOsUpgradeRulesTest {
  static final ImageReference PLATFORM = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest");
  static final String GALLERY = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/gal/images/web";

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
  final List<UpgradeEvent> events = new ArrayList<>();

  AutomaticOsUpgrades service() {
    return AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store).listener(events::add))
        .build();
  }

  static ScaleSet set(String name, String region, ImageReference image) {
    return ScaleSet.builder().name(name).location(region).capacity(5)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(image)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true).build()).build())
        .build();
  }

  void addPlatformSet(String name, String region) {
    cloud.addScaleSet(name, region, f -> f.instances(5).image(ImageReference.platform("Canonical", "UbuntuServer",
        "18.04-LTS", "18.04.1")));
  }

  @Test
  void aGalleryVersionExcludedFromLatestOrNotReplicatedIsNotRolledOutThere() {
    cloud.addScaleSet("eu", "westeurope", f -> f.instances(5).image(ImageReference.ofId(GALLERY + "/versions/1.0.0")));
    cloud.addScaleSet("us", "eastus", f -> f.instances(5).image(ImageReference.ofId(GALLERY + "/versions/1.0.0")));
    cloud.publishGalleryVersion(GALLERY, GalleryImageVersion.builder().version("1.0.0")
        .addTargetRegions("westeurope", "eastus").build());
    cloud.publishGalleryVersion(GALLERY, GalleryImageVersion.builder().version("2.0.0").addTargetRegions("westeurope")
        .build()); // not replicated to eastus
    cloud.publishGalleryVersion(GALLERY, GalleryImageVersion.builder().version("3.0.0")
        .addTargetRegions("westeurope", "eastus").excludeFromLatest(true).build());
    AutomaticOsUpgrades auto = service();
    auto.enable(set("eu", "westeurope", ImageReference.ofId(GALLERY)));
    auto.enable(set("us", "eastus", ImageReference.ofId(GALLERY)));
    clock.advanceBy(Duration.ofHours(6));

    assertThat(cloud.fleet("eu").instances()).allMatch(i -> i.image().id().orElse("").endsWith("/versions/2.0.0"));
    assertThat(cloud.fleet("us").instances()).allMatch(i -> i.image().id().orElse("").endsWith("/versions/1.0.0"));
    assertThat(cloud.upgrades()).noneMatch(u -> u.scaleSet().equals("us"));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).status().members()).extracting(m -> m.scaleSetName()).containsExactly("eu");
  }

  @Test
  void theFirstRolloutComesWithinThreeHoursOfEnablingAndLaterOnesWithinAnHourOfARelease() {
    addPlatformSet("web", "westeurope");
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.1", "18.04.2");
    AutomaticOsUpgrades auto = service();
    auto.enable(set("web", "westeurope", PLATFORM));
    clock.advanceBy(Duration.ofHours(3).plusMinutes(20));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).status().startTime()).isBefore(VirtualScheduler.DEFAULT_START.plus(Duration.ofHours(3).plusSeconds(1)));
    assertThat(auto.rollouts().get(0).isFinished()).isTrue();

    var released = clock.now();
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.3");
    clock.advanceBy(Duration.ofMinutes(29));
    assertThat(auto.rollouts()).hasSize(1); // not before 30 minutes after it was seen
    clock.advanceBy(Duration.ofMinutes(60));
    assertThat(auto.rollouts()).hasSize(2);
    var start = auto.rollouts().get(1).status().startTime();
    assertThat(start).isAfterOrEqualTo(released.plus(Duration.ofMinutes(30)))
        .isBefore(released.plus(Duration.ofMinutes(60 + 15 + 1))); // within an hour of being seen, seen within a poll
    assertThat(auto.rollouts().get(1).targetVersion("web")).contains("18.04.3");
  }

  @Test
  void aManualTriggerWithoutLatestIsNotAllowed() {
    addPlatformSet("web", "westeurope");
    AutomaticOsUpgrades auto = service();
    ScaleSet pinned = ScaleSet.builder().from(set("web", "westeurope", PLATFORM))
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build())
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(ImageReference.platform("Canonical",
            "UbuntuServer", "18.04-LTS", "18.04.1")).healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .build();
    CompletableFuture<RollingUpgradeRun> started = auto.startOsUpgrade(pinned).toCompletableFuture();
    clock.runUntilIdle();
    assertThat(started).isCompletedExceptionally();
    Throwable cause = catchCause(started);
    assertThat(cause).isInstanceOf(OperationNotAllowedException.class).hasMessageContaining("latest");
    assertThat(((OperationNotAllowedException) cause).code()).isEqualTo("OperationNotAllowed");
    assertThat(cloud.fleet("web").stateChangingCalls()).isEmpty();
  }

  @Test
  void aManualTriggerUpgradesToLatestWithoutRollbackAndLeavesInstancesAtLatest() {
    addPlatformSet("web", "westeurope");
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.1", "18.04.5");
    cloud.fleet("web").instance("0").neverBecomesHealthy();
    AutomaticOsUpgrades auto = service();
    ScaleSet manual = ScaleSet.builder().from(set("web", "westeurope", PLATFORM))
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build()).build();
    CompletableFuture<RollingUpgradeRun> started = auto.startOsUpgrade(manual).toCompletableFuture();
    clock.runUntilIdle();
    RollingUpgradeRun run = started.join();
    assertThat(run.startedBy()).isEqualTo(UpgradeOperationInvoker.USER);
    assertThat(run.rollsBack()).isFalse();
    assertThat(run.targetImageReference().version()).contains("18.04.5");
    assertThat(cloud.fleet("web").instance("0").image().version()).contains("18.04.5"); // failed, kept (no rollback)
    long behind = cloud.fleet("web").instances().stream().filter(i -> !i.image().version().orElse("").equals("18.04.5"))
        .count();
    var secondStart = clock.now();
    CompletableFuture<RollingUpgradeRun> again = auto.startOsUpgrade(manual).toCompletableFuture();
    clock.runUntilIdle();
    assertThat(again.join().status().progress().orElseThrow().total()).isEqualTo((int) behind).isPositive();
    assertThat(cloud.fleet("web").stateChangingCalls()).noneMatch(c -> c.instanceId().equals("0")
        && !c.time().isBefore(secondStart)); // already at latest: untouched
  }

  @Test
  void anExpiredSasTokenStopsTheRunBeforeAnyDriverCall() {
    addPlatformSet("web", "westeurope");
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.1", "18.04.2");
    String path = "properties.virtualMachineProfile.extensionProfile.extensions[0].properties.settings.fileUris[0]";
    ExternalResourceCheck expired = model -> CompletableFuture.completedFuture(List.of(
        new ExternalResourceCheck.Problem(path, "SAS token expired at 2025-12-31T00:00:00Z")));
    AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store).preflight(expired))
        .build();
    auto.enable(set("web", "westeurope", PLATFORM));
    clock.advanceBy(Duration.ofHours(4));
    var status = auto.rollouts().get(0).status();
    assertThat(status.code()).isEqualTo(RollingUpgradeStatusCode.FAULTED);
    var error = status.member("web").orElseThrow().error().orElseThrow();
    assertThat(error.code()).contains(RollingUpgradeErrorCodes.EXTERNAL_RESOURCES);
    assertThat(error.message().orElseThrow()).contains(path, "expired", "regenerate the token", "failed ones included");
    assertThat(cloud.fleet("web").calls()).noneMatch(c -> c.kind().changesState());
    assertThat(cloud.fleet("web").calls()).noneMatch(c -> c.kind().name().equals("LIST_INSTANCES") && c.time()
        .isAfter(status.startTime()));
  }

  @Test
  void catalogErrorsAreRetriedWithBackoffAndReportedAsEvents() {
    addPlatformSet("web", "westeurope");
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.1", "18.04.2");
    cloud.failCatalogCalls(3);
    AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store).listener(events::add))
        .timing(AutomaticUpgradeTiming.defaults())
        .build();
    auto.enable(set("web", "westeurope", PLATFORM));
    clock.advanceBy(Duration.ofMinutes(10));
    List<UpgradeEvent> errors = events.stream().filter(e -> e.type() == UpgradeEventType.CATALOG_ERROR).toList();
    assertThat(errors).hasSize(3);
    assertThat(errors.get(1).time()).isEqualTo(errors.get(0).time().plus(Duration.ofMinutes(1)));
    assertThat(errors.get(2).time()).isEqualTo(errors.get(1).time().plus(Duration.ofMinutes(2)));
    assertThat(errors.get(0).message().orElseThrow()).contains("unavailable", "retry in PT1M");
    clock.advanceBy(Duration.ofHours(4));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(cloud.fleet("web").instances()).allMatch(i -> i.image().version().orElse("").equals("18.04.2"));
  }

  @Test
  void disablingCancelsTheRunInFlightAfterItsBatch() {
    cloud.addScaleSet("web", "westeurope", f -> f.instances(10).image(ImageReference.platform("Canonical",
        "UbuntuServer", "18.04-LTS", "18.04.1")));
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.1", "18.04.2");
    AutomaticOsUpgrades auto = service();
    auto.enable(set("web", "westeurope", PLATFORM));
    while (auto.rollouts().isEmpty() || cloud.upgrades().isEmpty()) {
      clock.advanceBy(Duration.ofSeconds(10));
    }
    int firstBatch = cloud.upgrades().size();
    auto.disable("web");
    clock.advanceBy(Duration.ofHours(2));
    var status = auto.rollouts().get(0).status();
    assertThat(status.member("web").orElseThrow().state()).isEqualTo(MemberState.REMOVED);
    // its only member was taken out: nothing was rolled out, so the rollout did not complete
    assertThat(status.code()).isEqualTo(RollingUpgradeStatusCode.CANCELLED);
    assertThat(cloud.upgrades()).hasSize(firstBatch);
    assertThat(auto.enabled()).isEmpty();
    cloud.publishPlatformVersions("westeurope", PLATFORM, "18.04.3");
    clock.advanceBy(Duration.ofHours(4));
    assertThat(auto.rollouts()).hasSize(1); // no longer watched
  }

  private static Throwable catchCause(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

}
