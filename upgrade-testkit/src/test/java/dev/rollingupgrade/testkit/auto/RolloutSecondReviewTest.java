package dev.rollingupgrade.testkit.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.auto.AutomaticOsUpgrades;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.auto.RolloutStatus.MemberState;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 11, second review: each finding as a scenario with the outcome it must have. */
class RolloutSecondReviewTest {
  static final ImageReference V1 = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1");
  static final ImageReference V2 = ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.2");

  interface Hook {
    Object on(String method, Object[] args, Callable<Object> pass) throws Exception;
  }

  /** A store whose calls go through {@code hook} first. */
  static RolloutStore wrap(RolloutStore delegate, Hook hook) {
    return (RolloutStore) Proxy.newProxyInstance(RolloutStore.class.getClassLoader(), new Class<?>[] {RolloutStore.class},
        (proxy, method, args) -> hook.on(method.getName(), args, () -> {
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
          }
        }));
  }

  static Map<String, Integer> replacements(FakeCloud cloud) {
    Map<String, Integer> n = new TreeMap<>();
    for (FakeFleet f : cloud.fleets()) {
      f.stateChangingCalls().stream().filter(c -> c.kind() == DriverCall.Kind.REPLACE_OS_DISK)
          .forEach(c -> n.merge(f.scaleSetName() + "/" + c.instanceId(), 1, Integer::sum));
    }
    return n;
  }

  /** A cancel after a fault, or a removal after a completion: the resumed rollout ends as the uninterrupted one. */
  @Test
  void cancelsAndRemovalsAreReplayedInTheOrderTheyCame() {
    for (boolean remove : new boolean[] {false, true}) {
      String[] outcomes = new String[2];
      for (int crash = 0; crash < 2; crash++) {
        VirtualScheduler clock = VirtualScheduler.create();
        FakeCloud cloud = FakeCloud.on(clock);
        InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
        FakeFleet a = cloud.addScaleSet("a", "westeurope", f -> f.instances(remove ? 2 : 1).zones(0).image(V1));
        if (!remove) {
          a.instances().get(0).neverBecomesHealthy();
        }
        cloud.addScaleSet("b", "westeurope", f -> f.instances(10).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(20)));
        cloud.addScaleSet("c", "eastus", f -> f.instances(10).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(20)));
        Map<String, ScaleSet> models = Map.of("a", MultiRegionModels.model("a", "westeurope", 0, remove ? 2 : 1),
            "b", MultiRegionModels.model("b", "westeurope", 0, 10), "c", MultiRegionModels.model("c", "eastus", 0, 10));
        var builder = ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)
            .models(models::get).rolloutId("r");
        List.of("a", "b", "c").forEach(n -> builder.member(models.get(n), V2));
        ImageRollout r = builder.start();
        MemberState awaited = remove ? MemberState.COMPLETED : MemberState.FAULTED;
        while (r.status().member("a").orElseThrow().state() != awaited) {
          clock.advanceBy(Duration.ofMinutes(1));
        }
        if (remove) {
          r.remove("a"); // its run completed already: nothing to take out
        } else {
          r.cancel(); // after the fault: the rollout still faulted
        }
        clock.advanceBy(Duration.ofSeconds(1));
        if (crash == 1) {
          r.abandon();
          r = ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store).models(models::get)
              .resume("r");
        }
        clock.runUntilIdle();
        RolloutStatus s = r.status();
        outcomes[crash] = s.code() + " " + s.members().stream().map(m -> m.scaleSetName() + "=" + m.state()).toList();
      }
      assertThat(outcomes[1]).as(remove ? "remove after complete" : "cancel after fault").isEqualTo(outcomes[0]);
      assertThat(outcomes[0]).startsWith(remove ? "COMPLETED" : "FAULTED").contains("a=" + (remove ? "COMPLETED" : "FAULTED"));
    }
  }

  @Test
  void aSiblingOfASetWhoseRunCannotStartIsNotLaunchedEvenWithAStoreThatAnswersLater() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock);
    RolloutStore store = wrap(new InMemoryRolloutStore(SchedulerClock.of(clock)), (m, a, pass) -> {
      if (!m.equals("append")) {
        return pass.call();
      }
      pass.call();
      CompletableFuture<Void> later = new CompletableFuture<>();
      clock.schedule(Duration.ofMillis(5), () -> later.complete(null));
      return later;
    });
    cloud.addScaleSet("a-bad", "westeurope", f -> f.instances(3).zones(1).image(V1));
    cloud.addScaleSet("b-good", "westeurope", f -> f.instances(3).zones(1).image(V1));
    ScaleSet bad = ScaleSet.builder().from(MultiRegionModels.model("a-bad", "westeurope", 1, 3))
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build()).build();
    ImageRollout rollout = ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)
        .member(bad, V2).member(MultiRegionModels.model("b-good", "westeurope", 1, 3), V2).start();
    clock.runUntilIdle();
    assertThat(rollout.status().code()).isEqualTo(RollingUpgradeStatusCode.FAULTED);
    assertThat(rollout.status().member("b-good").orElseThrow().state()).isEqualTo(MemberState.PENDING);
    assertThat(cloud.upgrades()).isEmpty();
  }

  /** A real crash: nothing released; a member run's lease outlives the rollout's; the new host waits for it. */
  @Test
  void aResumedRolloutWaitsForAMemberRunStillHeldInsteadOfFaultingIt() {
    for (int offset = 0; offset < 20; offset += 3) {
      for (int delay = 0; delay < 20; delay += 4) {
        VirtualScheduler clock = VirtualScheduler.create();
        FakeCloud cloud = FakeCloud.on(clock);
        InMemoryRolloutStore durable = new InMemoryRolloutStore(SchedulerClock.of(clock));
        AtomicBoolean dead = new AtomicBoolean();
        RolloutStore firstHost = wrap(durable, (m, a, pass) -> {
          if (dead.get() && (m.equals("release") || m.equals("append") || m.equals("renew"))) {
            if (m.equals("release")) {
              return null; // the process is gone: nothing is released
            }
            throw new IllegalStateException("scripted: the host is dead");
          }
          return pass.call();
        });
        int off = offset;
        cloud.addScaleSet("a", "westeurope", f -> f.instances(2).zones(0).image(V1)
            .upgradeLatency(Duration.ofMinutes(7).plusSeconds(off)));
        cloud.addScaleSet("b", "eastus", f -> f.instances(10).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(10)));
        cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
        cloud.publishPlatformVersions("eastus", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
        ScaleSet ma = MultiRegionModels.model("a", "westeurope", 0, 2);
        ScaleSet mb = MultiRegionModels.model("b", "eastus", 0, 10);
        AutomaticOsUpgrades first = AutomaticOsUpgrades.builder(cloud)
            .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(firstHost)).build();
        first.enable(ma);
        first.enable(mb);
        while (cloud.upgrades().stream().noneMatch(u -> u.scaleSet().equals("b"))) {
          clock.advanceBy(Duration.ofSeconds(1));
        }
        clock.advanceBy(Duration.ofSeconds(30));
        dead.set(true);
        first.close();
        first.rollouts().get(0).abandon();
        clock.advanceBy(Duration.ofSeconds(delay));
        AutomaticOsUpgrades second = AutomaticOsUpgrades.builder(cloud)
            .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(durable)).build();
        second.enable(ma);
        second.enable(mb);
        second.recover();
        clock.advanceBy(Duration.ofHours(6));
        String where = "offset " + offset + ", delay " + delay;
        assertThat(second.rollouts()).as(where).hasSize(1);
        assertThat(second.rollouts().get(0).status().code()).as(where).isEqualTo(RollingUpgradeStatusCode.COMPLETED);
        assertThat(replacements(cloud).values()).as(where).containsOnly(1);
        assertThat(durable.unfinishedRuns()).as(where).isEmpty();
      }
    }
  }

  /** The store fails when the rollout stops on this host, and again while it is being resumed. */
  @Test
  void recoveryRetriesStoreErrorsAndNeverRollsASetTwice() {
    for (int failingRead : new int[] {1, 2}) {
      VirtualScheduler clock = VirtualScheduler.create();
      FakeCloud cloud = FakeCloud.on(clock);
      InMemoryRolloutStore durable = new InMemoryRolloutStore(SchedulerClock.of(clock));
      AtomicInteger appendFails = new AtomicInteger();
      AtomicInteger readsToFail = new AtomicInteger();
      AtomicInteger reads = new AtomicInteger();
      RolloutStore store = wrap(durable, (m, a, pass) -> {
        if (m.equals("append") && !((Lease) a[0]).runId().contains("/") && appendFails.get() > 0) {
          appendFails.decrementAndGet();
          readsToFail.set(1);
          reads.set(0);
          return CompletableFuture.failedFuture(new IllegalStateException("scripted: the store is down"));
        }
        if (m.equals("records") && !((String) a[0]).contains("/") && readsToFail.get() > 0
            && reads.incrementAndGet() == failingRead) {
          readsToFail.set(0);
          throw new IllegalStateException("scripted: the store is still down");
        }
        return pass.call();
      });
      cloud.addScaleSet("a", "westeurope", f -> f.instances(2).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(7)));
      cloud.addScaleSet("b", "eastus", f -> f.instances(10).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(10)));
      cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
      cloud.publishPlatformVersions("eastus", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
      AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
          .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)).build();
      auto.enable(MultiRegionModels.model("a", "westeurope", 0, 2));
      auto.enable(MultiRegionModels.model("b", "eastus", 0, 10));
      while (cloud.upgrades().isEmpty()) {
        clock.advanceBy(Duration.ofSeconds(10));
      }
      appendFails.set(1); // the rollout's next record fails: it stops on this host
      clock.advanceBy(Duration.ofHours(12));
      String where = "read " + failingRead + " fails";
      assertThat(cloud.fleets()).as(where).allSatisfy(f -> assertThat(f.instances())
          .allMatch(i -> i.image().version().orElseThrow().equals("18.04.2")));
      assertThat(replacements(cloud).values()).as(where).containsOnly(1);
      assertThat(durable.unfinishedRuns()).as(where).isEmpty();
      assertThat(auto.rollouts()).as(where).hasSize(1); // the resumed handle replaced the one that stopped
    }
  }

  @Test
  void aSetDisabledWhileItsRolloutAwaitsRecoveryIsTakenOutNotFaulted() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock);
    InMemoryRolloutStore durable = new InMemoryRolloutStore(SchedulerClock.of(clock));
    AtomicInteger appendFails = new AtomicInteger();
    RolloutStore store = wrap(durable, (m, a, pass) -> {
      if (m.equals("append") && !((Lease) a[0]).runId().contains("/") && appendFails.getAndDecrement() > 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("scripted: the store is down"));
      }
      return pass.call();
    });
    cloud.addScaleSet("a", "westeurope", f -> f.instances(2).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(7)));
    cloud.addScaleSet("b", "eastus", f -> f.instances(10).zones(0).image(V1).upgradeLatency(Duration.ofMinutes(10)));
    cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    cloud.publishPlatformVersions("eastus", MultiRegionModels.LATEST, "18.04.1", "18.04.2");
    AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
        .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock).store(store)).build();
    auto.enable(MultiRegionModels.model("a", "westeurope", 0, 2));
    auto.enable(MultiRegionModels.model("b", "eastus", 0, 10));
    while (cloud.upgrades().isEmpty()) {
      clock.advanceBy(Duration.ofSeconds(10));
    }
    appendFails.set(1);
    while (!auto.rollouts().get(0).isFinished()) {
      clock.advanceBy(Duration.ofSeconds(1));
    }
    auto.disable("b"); // while the rollout waits to be resumed
    clock.advanceBy(Duration.ofHours(6));
    RolloutStatus status = auto.rollouts().get(0).status();
    assertThat(status.code()).isNotEqualTo(RollingUpgradeStatusCode.FAULTED);
    assertThat(status.member("b").orElseThrow().state()).isEqualTo(MemberState.REMOVED);
    assertThat(cloud.upgrades().stream().filter(u -> u.scaleSet().equals("b"))).isEmpty();
  }

  @Test
  void aReleaseAfterEnablingWaitsItsDelayEvenInsideTheFirstWindow() {
    for (int n = 0; n < 8; n++) {
      VirtualScheduler clock = VirtualScheduler.create();
      FakeCloud cloud = FakeCloud.on(clock);
      String name = "web" + n;
      cloud.addScaleSet(name, "westeurope", f -> f.instances(3).zones(0).image(V1));
      cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.1");
      AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(cloud)
          .rollouts(ImageRollout.builder().driver(cloud).health(cloud).scheduler(clock)).build();
      auto.enable(MultiRegionModels.model(name, "westeurope", 0, 3));
      clock.advanceBy(Duration.ofMinutes(90));
      var released = clock.now();
      cloud.publishPlatformVersions("westeurope", MultiRegionModels.LATEST, "18.04.2");
      clock.advanceBy(Duration.ofHours(4));
      assertThat(Duration.between(released, auto.rollouts().get(0).status().startTime())).as(name)
          .isGreaterThanOrEqualTo(Duration.ofMinutes(30));
    }
  }
}
