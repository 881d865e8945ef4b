package dev.rollingupgrade.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.InstanceOutcome;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.time.SystemScheduler;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Plug-in calls never run under the run's lock and are bounded by their timeout, even when a
 * driver blocks its calling thread; a call the run gave up on is cancelled before its instance is
 * rolled back. The first test runs on a real clock (two scheduler threads, sub-second delays,
 * bounded by a preemptive timeout); the second in virtual time.
 */
class PluginsNeverHoldUpTheRunTest {
  private static final ImageReference NEW = RolloutTestEnvironment.NEXT_IMAGE;

  private static ScaleSet oneBatch() {
    RollingUpgradePolicy policy = RollingUpgradePolicy.builder().maxBatchInstancePercent(100)
        .maxUnhealthyInstancePercent(100).maxUnhealthyUpgradedInstancePercent(100).build();
    return ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(NEW)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(policy).build()).build();
  }

  /** Three instances; {@code replaceOsDisk} of instance 1 does what {@code blocking} says. */
  private abstract static class ThreeInstances implements InstanceDriver, HealthSignal {
    final Map<String, Boolean> upgraded = new ConcurrentHashMap<>();

    Instance instance(String id) {
      return Instance.builder().instanceId(id)
          .appliedImage(upgraded.containsKey(id) ? NEW : RolloutTestEnvironment.CURRENT_IMAGE).build();
    }

    @Override
    public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
      return CompletableFuture.completedFuture(List.of(instance("0"), instance("1"), instance("2")));
    }

    @Override
    public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
      return CompletableFuture.completedFuture(instance(instanceId));
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String s, String id, Extension e, String v) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String s, String id) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<HealthState> health(String scaleSetName, String instanceId) {
      return CompletableFuture.completedFuture(HealthState.HEALTHY);
    }
  }

  @Test
  void aDriverThatBlocksHoldsUpNeitherStatusNorCancelAndTimesOutOnTime() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    CompletableFuture<Void> lateStage = new CompletableFuture<>();
    ThreeInstances driver = new ThreeInstances() {
      @Override
      public CompletionStage<Void> replaceOsDisk(String s, String id, ImageReference image, List<Extension> ext) {
        if (id.equals("2")) { // the last of the batch: a call that blocks delays the calls after it
          entered.countDown();
          try {
            unblock.await(10, TimeUnit.SECONDS); // a badly written driver: blocks its calling thread
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return lateStage;
        }
        upgraded.put(id, true);
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
      }

      @Override
      public CompletionStage<Void> restorePreviousOsDisk(String s, String id) {
        return CompletableFuture.completedFuture(null);
      }
    };
    CountDownLatch timedOut = new CountDownLatch(1);
    try (SystemScheduler scheduler = SystemScheduler.withThreads(2)) {
      RollingUpgradeRun run = RollingUpgrade.of(oneBatch()).driver(driver).health(driver).scheduler(scheduler)
          .callTimeout(Duration.ofMillis(800)).healthPollInterval(Duration.ofMillis(50)).listener(e -> {
            if (e.type() == dev.rollingupgrade.api.event.UpgradeEventType.INSTANCE_FAILED) {
              timedOut.countDown();
            }
          }).start();
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      // the driver holds a scheduler thread now; the run's lock is free
      assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
        var progress = run.status().progress().orElseThrow();
        assertThat(progress.total()).isEqualTo(3);
        assertThat(run.outcome("2").orElseThrow().state()).isEqualTo(InstanceOutcome.State.UPGRADING);
        run.cancel();
        assertThat(run.status().runningStatus().orElseThrow().lastAction())
            .contains(dev.rollingupgrade.api.status.RollingUpgradeActionType.CANCEL);
      });
      // the call times out at callTimeout while the driver still blocks
      assertThat(timedOut.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(unblock.getCount()).as("the driver still blocks").isEqualTo(1);
      InstanceOutcome blocked = run.outcome("2").orElseThrow();
      assertThat(blocked.state()).isEqualTo(InstanceOutcome.State.FAILED);
      assertThat(blocked.errorCode()).contains(RollingUpgradeErrorCodes.UPGRADE_TIMED_OUT);
      unblock.countDown();
      // answers queued behind the blocked thread follow once it is let go
      var end = run.completion().toCompletableFuture().get(5, TimeUnit.SECONDS);
      // the cancel came while the last batch ran: that batch finished, and with it the run
      assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
      assertThat(run.outcome("0").orElseThrow().state()).isEqualTo(InstanceOutcome.State.UPGRADED);
      assertThat(run.outcome("1").orElseThrow().state()).isEqualTo(InstanceOutcome.State.UPGRADED);
      // the stage it returned at last is cancelled: the driver learns the run gave up on it
      assertThatThrownBy(() -> lateStage.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void aTimedOutUpgradeIsCancelledBeforeItsInstanceIsRolledBack() {
    VirtualScheduler clock = VirtualScheduler.create();
    CompletableFuture<Void> pending = new CompletableFuture<>();
    boolean[] cancelledWhenRestored = new boolean[1];
    ThreeInstances driver = new ThreeInstances() {
      @Override
      public CompletionStage<Void> replaceOsDisk(String s, String id, ImageReference image, List<Extension> ext) {
        upgraded.put(id, true);
        return id.equals("1") ? pending : CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<Void> restorePreviousOsDisk(String s, String id) {
        cancelledWhenRestored[0] = pending.isCancelled();
        upgraded.remove(id);
        return CompletableFuture.completedFuture(null);
      }
    };
    RollingUpgradeRun run = RollingUpgrade.of(oneBatch()).driver(driver).health(driver).scheduler(clock)
        .startedBy(UpgradeOperationInvoker.PLATFORM).callTimeout(Duration.ofMinutes(3)).start();
    clock.runUntilIdle();
    assertThat(run.outcome("1").orElseThrow().state()).isEqualTo(InstanceOutcome.State.ROLLED_BACK);
    assertThat(pending).isCancelled();
    assertThat(cancelledWhenRestored[0]).as("the upgrade was cancelled before the restore was asked").isTrue();
  }
}
