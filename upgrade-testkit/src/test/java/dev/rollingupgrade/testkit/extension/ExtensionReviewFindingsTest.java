package dev.rollingupgrade.testkit.extension;

import static dev.rollingupgrade.testkit.extension.AutomaticExtensionUpgradeRulesTest.AGENT;
import static dev.rollingupgrade.testkit.extension.AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER;
import static dev.rollingupgrade.testkit.extension.AutomaticExtensionUpgradeRulesTest.set;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12 review: each finding about automatic extension upgrades, as a scenario. */
class ExtensionReviewFindingsTest {
  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
  final List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
  FakeFleet fleet;

  AutomaticExtensionUpgrades service() {
    return AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud).scheduler(clock).store(store)
        .listener(events::add).build();
  }

  void fleetWith(String agentVersion) {
    fleet = cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).updateDomains(5)
        .extension("agent", agentVersion));
  }

  @Test
  void rollbackReinstallsTheInstancesPreviousVersionNotTheModels() {
    fleetWith("9.10.4"); // an earlier automatic upgrade moved 9.10 -> 9.10.4; the model still says 9.10
    fleet.instances("9").breaksWith("agent", "9.10.5");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10", "9.10.4", "9.10.5");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(2));
    assertThat(fleet.instance("9").extensionVersion("agent")).contains("9.10.4");
  }

  @Test
  void disableAndReEnableMidBatchDoesNotRunTwoRunsOnOneSet() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    while (fleet.stateChangingCalls().isEmpty()) {
      clock.advanceBy(Duration.ofSeconds(10));
    }
    auto.disable("web");
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofSeconds(30));
    assertThat(auto.rollouts().stream().filter(r -> !r.isFinished()).count()).isLessThanOrEqualTo(1);
    clock.advanceBy(Duration.ofHours(3));
    // never more than 20 % of the set in flight, and every VM set once
    assertThat(VmGroupsTest.mostInFlight(cloud.upgrades())).isLessThanOrEqualTo(2);
    assertThat(fleet.instances()).allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4"));
  }

  @Test
  void optOutWhileTheHostIsDownIsHonouredByRecover() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    HostDeath.midRun(service(), set(AGENT), fleet, clock);
    int firstBatch = fleet.stateChangingCalls().size();
    AutomaticExtensionUpgrades after = service();
    after.enable(set(Extension.builder().from(AGENT).enableAutomaticUpgrade(false).build()));
    after.recover();
    clock.advanceBy(Duration.ofHours(3));
    long sets = fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION).count();
    assertThat(sets).isLessThanOrEqualTo(2L * firstBatch);
  }

  @Test
  void optOutThenOptInIsNotAFailedAttempt() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    while (fleet.stateChangingCalls().isEmpty()) {
      clock.advanceBy(Duration.ofSeconds(10));
    }
    auto.enable(set(Extension.builder().from(AGENT).enableAutomaticUpgrade(false).build()));
    clock.advanceBy(Duration.ofHours(1));
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(1));
    assertThat(auto.status("web").get(0).attempts()).isZero();
  }

  @Test
  void aProtectedInstanceDoesNotMakeTheServiceSpin() {
    fleetWith("9.10");
    fleet.instance("3").protectedFromScaleSetActions();
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades[] holder = new AutomaticExtensionUpgrades[1];
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud)
        .scheduler(clock).store(store).listener(e -> {
          if (e.type() == dev.rollingupgrade.api.event.UpgradeEventType.RUN_STARTED && started.incrementAndGet() == 50) {
            holder[0].close();
          }
        }).build();
    holder[0] = auto;
    auto.enable(set(AGENT));
    java.time.Instant t0 = clock.now();
    while (auto.rollouts().size() < 50 && clock.now().isBefore(t0.plus(Duration.ofHours(6)))) {
      clock.advanceBy(Duration.ofMinutes(1));
    }
    assertThat(auto.rollouts()).hasSize(1);
    assertThat(fleet.instance("3").extensionVersion("agent")).contains("9.10");
  }

  @Test
  void aPollBeforeRecoverDoesNotStartASecondRolloutOverTheSet() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    HostDeath.midRun(service(), set(AGENT), fleet, clock);
    AutomaticExtensionUpgrades after = service();
    after.enable(set(AGENT));
    clock.advanceBy(Duration.ofSeconds(5)); // the first poll runs before the host calls recover()
    int resumed = after.recover().size();
    clock.advanceBy(Duration.ofHours(3));
    long sets = fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION).count();
    assertThat(after.rollouts()).hasSize(1);
  }
}
