package dev.rollingupgrade.micrometer;

import static dev.rollingupgrade.micrometer.UpgradeMetrics.ERROR_CODE;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.HEALTH_WAIT;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_FAILED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_IN_FLIGHT;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_ROLLED_BACK;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.INSTANCES_UPGRADED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.OUTCOME;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.RUNS_ENDED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.RUNS_STARTED;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.SCALE_SET;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.SERVICE_EVENTS;
import static dev.rollingupgrade.micrometer.UpgradeMetrics.TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The automatic OS and extension upgrade services, their own events and the runs they start, measured. */
class ServiceMetricsTest {
  static final ImageReference LATEST = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest");

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<UpgradeEvent> events = new CopyOnWriteArrayList<>();

  static ScaleSet set(String name, String region) {
    return ScaleSet.builder().name(name).location(region).capacity(5)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(LATEST)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING)
            .automaticOSUpgradePolicy(AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(true).build()).build())
        .build();
  }

  @Test
  void anAutomaticOsUpgradeOfTwoRegionsIsMeasuredPerScaleSet() {
    for (String[] s : new String[][] {{"web", "westeurope"}, {"api", "eastus"}}) {
      cloud.addScaleSet(s[0], s[1], f -> f.instances(5).image(ImageReference.platform("Canonical", "UbuntuServer",
          "18.04-LTS", "18.04.1")));
      cloud.publishPlatformVersions(s[1], LATEST, "18.04.1", "18.04.2");
    }
    cloud.failCatalogCalls(2);
    UpgradeMetrics metrics = UpgradeMetrics.builder(registry).tag("service", "fleet-manager").tagScaleSet(true).build();
    AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock)
            .store(new InMemoryRolloutStore(SchedulerClock.of(clock))).listener(metrics).listener(events::add))
        .build();
    auto.enable(set("web", "westeurope"));
    auto.enable(set("api", "eastus"));
    clock.advanceBy(Duration.ofHours(6));
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(auto.rollouts().get(0).isFinished()).isTrue();

    // the service's own events have no scale set, or the one they concern
    assertThat(serviceEvents("CATALOG_ERROR", "none")).isEqualTo(count(UpgradeEventType.CATALOG_ERROR)).isPositive();
    assertThat(serviceEvents("RELEASE_DETECTED", "web")).isEqualTo(1);
    assertThat(serviceEvents("RELEASE_DETECTED", "api")).isEqualTo(1);
    assertThat(serviceEvents("ROLLOUT_STARTED", "none")).isEqualTo(1);
    assertThat(serviceEvents("ROLLOUT_PHASE_STARTED", "none")).isEqualTo(count(UpgradeEventType.ROLLOUT_PHASE_STARTED))
        .isEqualTo(2); // one region per phase
    assertThat(serviceEvents("ROLLOUT_FINISHED", "none")).isEqualTo(1);

    // the runs the rollout started, one per scale set
    for (String name : new String[] {"web", "api"}) {
      assertThat(registry.get(RUNS_STARTED).tags(SCALE_SET, name).counter().count()).isEqualTo(1);
      assertThat(registry.get(RUNS_ENDED).tags(SCALE_SET, name, OUTCOME, "COMPLETED", ERROR_CODE, "none")
          .counter().count()).isEqualTo(1);
      assertThat(registry.get(INSTANCES_UPGRADED).tags(SCALE_SET, name).counter().count()).isEqualTo(5);
      assertThat(registry.get(INSTANCES_IN_FLIGHT).tags(SCALE_SET, name).gauge().value()).isZero();
      Timer waits = registry.get(HEALTH_WAIT).tags(SCALE_SET, name, OUTCOME, "HEALTHY").timer();
      assertThat(waits.count()).isEqualTo(5);
      assertThat(waits.max(TimeUnit.SECONDS)).isEqualTo(30.0); // the fake's time to healthy, in virtual time
    }
    // every meter carries the common tag
    assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTag("service"))
        .isEqualTo("fleet-manager"));
  }

  @Test
  void anAutomaticExtensionUpgradeWithAFailedInstanceIsMeasured() {
    Extension agent = Extension.builder().name("agent").publisher("Microsoft.Azure.Monitoring.DependencyAgent")
        .type("DependencyAgentLinux").typeHandlerVersion("9.10").autoUpgradeMinorVersion(true)
        .enableAutomaticUpgrade(true).build();
    FakeFleet fleet = cloud.addScaleSet("web", "westeurope", f -> f.instances(10).updateDomains(5)
        .extension("agent", "9.10"));
    fleet.instance("9").breaksWith("agent", "9.10.4"); // the last batch: 1 of 10 failed stays within 20 %
    cloud.publishExtensionVersions("westeurope", agent.publisher(), agent.type(), "9.10.4");
    UpgradeMetrics metrics = UpgradeMetrics.of(registry);
    AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud)
        .scheduler(clock).store(new InMemoryRolloutStore(SchedulerClock.of(clock))).listener(metrics)
        .listener(events::add).build();
    auto.enable(ScaleSet.builder().name("web").location("westeurope").capacity(10)
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().addExtensions(agent).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build()).build());
    clock.advanceBy(Duration.ofHours(4));
    assertThat(auto.runs()).hasSize(1);

    assertThat(registry.get(RUNS_STARTED).counter().count()).isEqualTo(1);
    assertThat(registry.get(RUNS_ENDED).tags(OUTCOME, "COMPLETED", ERROR_CODE, "none").counter().count()).isEqualTo(1);
    assertThat(registry.get(INSTANCES_UPGRADED).counter().count()).isEqualTo(9);
    assertThat(registry.get(INSTANCES_FAILED).counters()).singleElement()
        .satisfies(c -> assertThat(c.count()).isEqualTo(1));
    assertThat(registry.get(INSTANCES_ROLLED_BACK).counter().count()).isEqualTo(1); // the previous version reinstalled
    assertThat(registry.get(SERVICE_EVENTS).tags(TYPE, "RELEASE_DETECTED").counter().count()).isEqualTo(1);
    assertThat(registry.get(SERVICE_EVENTS).tags(TYPE, "EXTENSION_RETRY_SCHEDULED").counter().count()).isEqualTo(1)
        .isEqualTo(count(UpgradeEventType.EXTENSION_RETRY_SCHEDULED));
    assertThat(registry.get(INSTANCES_IN_FLIGHT).gauge().value()).isZero();
  }

  double count(UpgradeEventType type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  double serviceEvents(String type, String scaleSet) {
    return registry.get(SERVICE_EVENTS).tags(TYPE, type, SCALE_SET, scaleSet).counter().count();
  }
}
