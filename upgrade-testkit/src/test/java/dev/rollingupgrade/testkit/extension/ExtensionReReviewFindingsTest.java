package dev.rollingupgrade.testkit.extension;

import static dev.rollingupgrade.testkit.extension.AutomaticExtensionUpgradeRulesTest.AGENT;
import static dev.rollingupgrade.testkit.extension.AutomaticExtensionUpgradeRulesTest.AGENT_PUBLISHER;
import static dev.rollingupgrade.testkit.extension.AutomaticExtensionUpgradeRulesTest.set;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 12 re-review: each finding about automatic extension upgrades, as a scenario. */
class ExtensionReReviewFindingsTest {
  final VirtualScheduler clock = VirtualScheduler.create();
  final FakeCloud cloud = FakeCloud.on(clock);
  final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
  final List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
  FakeFleet fleet;

  AutomaticExtensionUpgrades service() {
    return service(store);
  }

  AutomaticExtensionUpgrades service(RolloutStore s) {
    return AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud).scheduler(clock).store(s)
        .listener(events::add).build();
  }

  void fleetWith(String agentVersion) {
    fleet = cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(1).updateDomains(5)
        .extension("agent", agentVersion));
  }

  long sets() {
    return fleet.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.SET_EXTENSION_VERSION).count();
  }

  @Test
  void onAMixedFleetAFailedVmGetsBackItsOwnVersion() {
    fleetWith("9.10.4");
    fleet.instance("0").hasExtension("agent", "9.10"); // e.g. reimaged: back to the model's version
    fleet.instances("9").breaksWith("agent", "9.10.5");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10", "9.10.4", "9.10.5");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(2));
    assertThat(fleet.instance("9").extensionVersion("agent")).contains("9.10.4");
  }

  @Test
  void aVmBackOnAnOlderVersionAfterACompletedRunIsUpgradedAgain() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(3));
    assertThat(fleet.instances()).allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4"));
    fleet.instance("5").hasExtension("agent", "9.10"); // reimaged / scaled out with the model's version
    clock.advanceBy(Duration.ofDays(7));
    assertThat(fleet.instance("5").extensionVersion("agent")).contains("9.10.4");
  }

  @Test
  void withoutRecoverTheServiceResumesTheRolloutItself() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    HostDeath.midRun(service(), set(AGENT), fleet, clock);
    long atCrash = sets();
    AutomaticExtensionUpgrades after = service();
    after.enable(set(AGENT));
    clock.advanceBy(Duration.ofDays(7));
    assertThat(sets()).isGreaterThan(atCrash);
  }

  @Test
  void anUnreadableJournalDoesNotMakeEnableThrow() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    var lease = store.claim("rollout-x", "someone", Duration.ofMinutes(1)).orElseThrow();
    store.append(lease, List.of(RunRecord.of("rollout-x", 0, clock.now(), "ROLLOUT_STARTED",
        Map.of("format", "999", "target:other", "{not json")))).toCompletableFuture().join();
    AutomaticExtensionUpgrades auto = service();
    Throwable t = null;
    try {
      auto.enable(set(AGENT));
    } catch (RuntimeException e) {
      t = e;
    }
    assertThat(t).isNull();
    assertThat(auto.recover()).isEmpty(); // the unreadable journal is left out, not thrown
    clock.advanceBy(Duration.ofHours(3));
    assertThat(fleet.instances()).allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4"));
  }

  @Test
  void aStoreErrorDuringEnableNeitherThrowsNorLeavesTheSetHalfEnabled() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    boolean[] down = {true};
    RolloutStore flaky = (RolloutStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RolloutStore.class}, (p, m, a) -> {
          if (down[0] && m.getName().equals("unfinishedRuns")) {
            throw new IllegalStateException("store unavailable");
          }
          try {
            return m.invoke(store, a);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    AutomaticExtensionUpgrades auto = service(flaky);
    Throwable t = null;
    try {
      auto.enable(set(AGENT));
    } catch (RuntimeException e) {
      t = e;
    }
    down[0] = false;
    clock.advanceBy(Duration.ofHours(3));
    assertThat(t).isNull();
    assertThat(auto.enabled()).containsExactly("web");
    assertThat(fleet.instances()).allMatch(i -> i.extensionVersion("agent").orElseThrow().equals("9.10.4"));
  }

  @Test
  void anUnresumableJournalDoesNotHoldTheSetAtTheNextEnable() {
    fleetWith("9.10");
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4");
    AutomaticExtensionUpgrades first = service();
    first.enable(set(AGENT));
    clock.advanceBy(Duration.ofHours(3));
    String id = first.rollouts().get(0).rolloutId();
    first.close();
    RunRecord started = store.records(id).get(0);
    Map<String, String> attrs = new java.util.LinkedHashMap<>(started.attributes());
    attrs.put("format", "0"); // written by an older SDK
    var lease = store.claim("rollout-old", "old-host", Duration.ofMinutes(1)).orElseThrow();
    store.append(lease, List.of(RunRecord.of("rollout-old", 0, clock.now(), started.kind(), attrs)))
        .toCompletableFuture().join();
    clock.advanceBy(Duration.ofMinutes(5));
    AutomaticExtensionUpgrades auto = service();
    auto.enable(set(AGENT));
    auto.recover(); // cannot resume it: logged, the set is released
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10.4", "9.10.5");
    auto.enable(set(AGENT)); // a model update later on
    clock.advanceBy(Duration.ofDays(2));
    assertThat(fleet.instance("0").extensionVersion("agent")).contains("9.10.5");
  }
}
