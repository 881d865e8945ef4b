package dev.rollingupgrade.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.LeaseLostException;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §11 on one shared store: a run has one owner at a time. A second recovery takes nothing
 * that is held; once a lease expires another owner takes the run over, and the old owner — still
 * alive, its answers still coming — can write nothing more and makes no other driver call.
 */
class TwoOwnersNeverDriveOneRunTest {
  private final VirtualScheduler clock = VirtualScheduler.create();
  private final FakeFleet fleet = FakeFleet.builder(clock).instances(20).zones(2).updateDomains(5)
      .image(RolloutTestEnvironment.CURRENT_IMAGE).build();
  private final InMemoryRolloutStore store = new InMemoryRolloutStore(SchedulerClock.of(clock));
  private final RunOptions hostA = RunOptions.defaults().withOwner("host-a").withLeaseDuration(Duration.ofSeconds(30));
  private final RunOptions hostB = RunOptions.defaults().withOwner("host-b").withLeaseDuration(Duration.ofSeconds(30));

  private final AtomicInteger hostACalls = new AtomicInteger();
  /** Host A's driver: the fleet, with a count of the calls host A makes. */
  private final InstanceDriver hostADriver = (InstanceDriver) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {InstanceDriver.class}, (proxy, method, args) -> {
        hostACalls.incrementAndGet();
        try {
          return method.invoke(fleet, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });

  private static ScaleSet scaleSet() {
    return ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(RolloutTestEnvironment.NEXT_IMAGE)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build()).build();
  }

  private RollingUpgradeRun startOnHostA() {
    return RollingUpgrade.of(scaleSet()).driver(hostADriver).health(fleet).scheduler(clock).store(store)
        .options(hostA).start();
  }

  private RolloutRecovery recoveryOnHostB() {
    return RolloutRecovery.of(store).driver(fleet).health(fleet).scheduler(clock).options(hostB);
  }

  @Test
  void aRunWhoseOwnerRenewsItsLeaseIsNotTakenByAnotherRecovery() {
    RollingUpgradeRun run = startOnHostA();
    clock.advanceBy(Duration.ofMinutes(5)); // well past one lease duration: host A renewed it
    assertThat(recoveryOnHostB().resumeAll()).isEmpty();
    assertThatThrownBy(() -> recoveryOnHostB().resume(run.runId())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("held by another owner");
    clock.runUntilIdle();
    assertThat(run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
  }

  @Test
  void twoRecoveriesOfAnAbandonedRunClaimItExactlyOnce() {
    RollingUpgradeRun run = startOnHostA();
    clock.advanceBy(Duration.ofSeconds(70));
    run.abandon();
    List<RollingUpgradeRun> b = recoveryOnHostB().resumeAll();
    List<RollingUpgradeRun> c = RolloutRecovery.of(store).driver(fleet).health(fleet).scheduler(clock)
        .options(hostB.withOwner("host-c")).resumeAll();
    assertThat(b).hasSize(1);
    assertThat(c).isEmpty();
    clock.runUntilIdle();
    assertThat(b.get(0).status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(fleet.stateChangingCalls().stream().filter(x -> x.kind() == DriverCall.Kind.REPLACE_OS_DISK)
        .map(DriverCall::instanceId)).hasSize(20).doesNotHaveDuplicates();
  }

  @Test
  void anOwnerWhoseLeaseWasTakenStopsWithoutAnotherDriverCall() {
    RollingUpgradeRun a = startOnHostA();
    clock.advanceBy(Duration.ofSeconds(70)); // batch 1 in flight: its upgrades answer at 60 s, health at 90 s
    // host A stalls (a long GC pause, a partition) past its lease; host B takes the run over
    loseLease(a);
    RollingUpgradeRun b = recoveryOnHostB().resume(a.runId());
    int hostACallsAtTakeover = hostACalls.get();
    clock.runUntilIdle();
    // host A's late answers (health at 90 s) changed nothing: its writes were refused and it stopped
    assertThatThrownBy(() -> a.completion().toCompletableFuture().join()).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(LeaseLostException.class);
    assertThat(a.isFinished()).isFalse();
    assertThat(b.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(fleet.stateChangingCalls().stream().filter(x -> x.kind() == DriverCall.Kind.REPLACE_OS_DISK)
        .map(DriverCall::instanceId)).hasSize(20).doesNotHaveDuplicates();
    assertThat(store.records(a.runId()).stream().filter(r -> r.kind().equals("RUN_FINISHED"))).hasSize(1);
    assertThat(hostACalls.get()).as("driver calls of host A after the takeover").isEqualTo(hostACallsAtTakeover);
  }

  /**
   * Host A's lease lapses while host A stalls. Virtual time cannot stall host A's renewal timer, so
   * the store drops the lease (token 1, host A's only claim) as an expiry would.
   */
  private void loseLease(RollingUpgradeRun a) {
    assertThat(store.claim(a.runId(), "intruder", Duration.ofSeconds(1))).as("a live lease cannot be claimed").isEmpty();
    store.release(new Lease(a.runId(), "host-a", 1, clock.now()));
  }
}
