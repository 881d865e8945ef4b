package dev.rollingupgrade.testkit.extension;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus;
import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus.State;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12: the rules of automatic extension upgrades, each as a scenario under virtual time. */
class AutomaticExtensionUpgradeRulesTest {
  static final String AGENT_PUBLISHER = "Microsoft.Azure.Monitoring.DependencyAgent";
  static final Extension AGENT = Extension.builder().name("agent").publisher(AGENT_PUBLISHER)
      .type("DependencyAgentLinux").typeHandlerVersion("9.10").autoUpgradeMinorVersion(true)
      .enableAutomaticUpgrade(true).build();
  static final Extension HEALTH = Extension.builder().name("health").publisher(Extension.HEALTH_EXTENSION_PUBLISHER)
      .type("ApplicationHealthLinux").typeHandlerVersion("2.0").autoUpgradeMinorVersion(true)
      .enableAutomaticUpgrade(true).build();

  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
  final List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
  FakeFleet fleet;

  AutomaticExtensionUpgrades service() {
    return AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud).scheduler(clock).store(store)
        .listener(events::add).build();
  }

  static ScaleSet set(Extension... extensions) {
    return ScaleSet.builder().name("web").location("westeurope").addZones("1").capacity(10)
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .healthProbe(HealthProbeReference.of("/lb/probes/http"))
            .extensionProfile(ExtensionProfile.builder().extensions(List.of(extensions)).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build())
        .build();
  }

  void fleetWith(String agentVersion, String healthVersion) {
    fleet = cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).updateDomains(5)
        .extension("agent", agentVersion).extension("health", healthVersion));
  }

  List<String> versions(String extension) {
    return fleet.instances().stream().map(i -> i.extensionVersion(extension).orElse("-")).toList();
  }

  ExtensionUpgradeStatus status(AutomaticExtensionUpgrades auto, String extension) {
    return auto.status("web").stream().filter(s -> s.extension().equals(extension)).findFirst().orElseThrow();
  }

  @Test
  void aNewerVersionWithinTheMajorIsRolledOutAndANewMajorOnlyReported() {
    fleetWith("9.10", "2.0");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10", "9.10.4", "10.0");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(2));
    assertThat(versions("agent")).containsOnly("9.10.4");
    assertThat(auto.runs()).hasSize(1);
    assertThat(auto.runs().get(0).status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(status(auto, "agent").state()).isEqualTo(State.UP_TO_DATE);
    assertThat(status(auto, "agent").newerMajor()).contains("10.0");
    assertThat(events).filteredOn(e -> e.type() == UpgradeEventType.EXTENSION_MAJOR_AVAILABLE).singleElement()
        .satisfies(e -> assertThat(e.message().orElseThrow()).contains("10.0", "never applied automatically"));
    clock.advanceBy(Duration.ofDays(10));
    assertThat(versions("agent")).containsOnly("9.10.4"); // 10.0 never
  }

  @Test
  void twoExtensionsOfOneInstanceAreAppliedOneAfterTheOtherAndOneFailingDoesNotStopTheOther() {
    fleetWith("9.10", "2.0");
    fleet.instances("9").breaksWith("agent", "9.10.4"); // the last batch: 1 of 10 failed stays within 20 %
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    cloud.publishExtensionVersions("westeurope", Extension.HEALTH_EXTENSION_PUBLISHER, "ApplicationHealthLinux", "2.0.9");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT, HEALTH));
    clock.advanceBy(Duration.ofHours(4));

    assertThat(auto.runs()).hasSize(2);
    RollingUpgradeRun agentRun = auto.runs().get(0);
    RollingUpgradeRun healthRun = auto.runs().get(1);
    assertThat(agentRun.targetExtension().orElseThrow().name()).isEqualTo("agent");
    assertThat(healthRun.targetExtension().orElseThrow().name()).isEqualTo("health");
    // one after the other: the second started after the first ended
    assertThat(healthRun.status().runningStatus().orElseThrow().startTime().orElseThrow())
        .isAfterOrEqualTo(agentRun.completion().toCompletableFuture().join().runningStatus().orElseThrow().endTime()
            .orElseThrow());
    assertThat(versions("agent")).containsExactly("9.10.4", "9.10.4", "9.10.4", "9.10.4", "9.10.4", "9.10.4", "9.10.4",
        "9.10.4", "9.10.4", "9.10");
    assertThat(versions("health")).containsOnly("2.0.9");
    ExtensionUpgradeStatus agent = status(auto, "agent");
    assertThat(agent.state()).isEqualTo(State.WAITING_TO_RETRY);
    assertThat(agent.attempts()).isEqualTo(1);
    assertThat(agent.nextAttempt()).contains(agentRun.completion().toCompletableFuture().join().runningStatus()
        .orElseThrow().endTime().orElseThrow().plus(Duration.ofDays(3)));
    assertThat(events).filteredOn(e -> e.type() == UpgradeEventType.EXTENSION_RETRY_SCHEDULED).singleElement()
        .satisfies(e -> assertThat(e.message().orElseThrow()).contains("agent 9.10.4", "attempt 1", "next attempt"));
  }

  @Test
  void aFailedUpgradeIsRetriedAfterTheIntervalUntilItSucceeds() {
    fleetWith("9.10", "2.0");
    fleet.instances("9").breaksWith("agent", "9.10.4");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(2));
    assertThat(fleet.instance("9").extensionVersion("agent")).contains("9.10");
    clock.advanceBy(Duration.ofDays(3).minusHours(3));
    assertThat(auto.runs()).hasSize(1); // not before the interval
    clock.advanceBy(Duration.ofHours(4));
    assertThat(auto.runs()).hasSize(2); // second attempt: still broken
    assertThat(status(auto, "agent").attempts()).isEqualTo(2);
    // only the instance left behind is touched again
    assertThat(auto.runs().get(1).status().progress().orElseThrow().total()).isEqualTo(1);
    fleet.instance("9").noLongerBreaksWith("agent", "9.10.4"); // the publisher fixed it
    clock.advanceBy(Duration.ofDays(3).plusHours(1));
    assertThat(auto.runs()).hasSize(3);
    assertThat(versions("agent")).containsOnly("9.10.4");
    assertThat(status(auto, "agent").state()).isEqualTo(State.UP_TO_DATE);
  }

  @Test
  void aNewerVersionSupersedesAFailedOneWithoutWaiting() {
    fleetWith("9.10", "2.0");
    fleet.instances("9").breaksWith("agent", "9.10.4");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(2));
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.5");
    clock.advanceBy(Duration.ofHours(2));
    assertThat(auto.runs()).hasSize(2);
    assertThat(auto.runs().get(1).targetExtension().orElseThrow().version()).isEqualTo("9.10.5");
    assertThat(versions("agent")).containsOnly("9.10.5");
  }

  @Test
  void retriesSurviveARestartOfTheHost() {
    fleetWith("9.10", "2.0");
    fleet.instances("9").breaksWith("agent", "9.10.4");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades before = service();
    before.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(2));
    var nextAttempt = status(before, "agent").nextAttempt().orElseThrow();
    before.close();

    AutomaticExtensionUpgrades after = service(); // same store: the history says what failed and when
    after.enable(set(AGENT));
    clock.advanceBy(Duration.ofMinutes(1));
    ExtensionUpgradeStatus restored = status(after, "agent");
    assertThat(restored.state()).isEqualTo(State.WAITING_TO_RETRY);
    assertThat(restored.attempts()).isEqualTo(1);
    assertThat(restored.nextAttempt()).contains(nextAttempt);
    fleet.instance("9").noLongerBreaksWith("agent", "9.10.4");
    clock.advanceBy(Duration.ofDays(3));
    assertThat(after.runs()).hasSize(1);
    assertThat(versions("agent")).containsOnly("9.10.4");
  }

  @Test
  void aRunInFlightAfterAHostCrashIsPickedUpByRecover() {
    fleetWith("9.10", "2.0");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    HostDeath.midRun(service(), set(AGENT), fleet, clock);

    AutomaticExtensionUpgrades after = service();
    after.enable(set(AGENT));
    assertThat(after.recover()).hasSize(1);
    clock.advanceBy(Duration.ofHours(2));
    assertThat(versions("agent")).containsOnly("9.10.4");
    assertThat(after.rollouts()).hasSize(1); // the resumed one, not a second rollout
    assertThat(after.runs()).hasSize(1);
    long sets = fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION).count();
    assertThat(sets).isEqualTo(10); // each instance once
  }

  @Test
  void optingOutMidRunCancelsAfterTheBatchAndStopsTheWatch() {
    fleetWith("9.10", "2.0");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    while (fleet.stateChangingCalls().isEmpty()) {
      clock.advanceBy(Duration.ofSeconds(10));
    }
    int firstBatch = fleet.stateChangingCalls().size();
    auto.enable(set(Extension.builder().from(AGENT).enableAutomaticUpgrade(false).build()));
    clock.advanceBy(Duration.ofDays(7));
    assertThat(auto.runs().get(0).status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.CANCELLED);
    assertThat(fleet.stateChangingCalls()).hasSize(firstBatch);
    assertThat(auto.status("web")).isEmpty();
    assertThat(fleet.instances().stream().filter(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4")))
        .hasSize(firstBatch);
  }

  @Test
  void anExtensionThatDoesNotSupportAutomaticUpgradeIsRefusedWithItsPath() {
    Extension script = Extension.builder().name("script").publisher("Microsoft.Azure.Extensions").type("CustomScript")
        .typeHandlerVersion("2.1").enableAutomaticUpgrade(true).build();
    AutomaticExtensionUpgrades auto = service();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> auto.enable(set(AGENT, script)))
        .hasMessageContaining("extensions[1].properties.enableAutomaticUpgrade");
    assertThat(auto.enabled()).isEmpty();
  }

  @Test
  void aSetWhoseInstancesCannotBeListedIsReportedNotShownUpToDateSilently() {
    fleetWith("9.10", "2.0");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(ScaleSet.builder().from(set(AGENT)).name("webx").build()); // the cloud has no set "webx"
    clock.advanceBy(Duration.ofHours(1));
    assertThat(events).filteredOn(e -> e.type() == UpgradeEventType.INSTANCES_UNAVAILABLE).isNotEmpty()
        .allSatisfy(e -> assertThat(e.message().orElseThrow()).contains("webx"));
    assertThat(auto.rollouts()).isEmpty();
  }
}
