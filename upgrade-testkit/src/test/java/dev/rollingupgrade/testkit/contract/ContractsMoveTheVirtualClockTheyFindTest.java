package dev.rollingupgrade.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A contract run on virtual time settles by itself when the object under test holds its
 * {@code VirtualScheduler}: no 30 s of real time per check for a forgotten {@code settle()}. The
 * contracts here wait {@code Duration.ZERO} of real time, so a stage virtual time did not complete
 * fails at once.
 */
class ContractsMoveTheVirtualClockTheyFindTest {

  /** A user's driver: delegates to another driver it holds (here the fake fleet). */
  record DelegatingDriver(InstanceDriver delegate) implements InstanceDriver {
    @Override
    public CompletionStage<List<Instance>> listInstances(String s) {
      return delegate.listInstances(s);
    }

    @Override
    public CompletionStage<Instance> getInstance(String s, String i) {
      return delegate.getInstance(s, i);
    }

    @Override
    public CompletionStage<Void> replaceOsDisk(String s, String i, ImageReference image, List<Extension> e) {
      return delegate.replaceOsDisk(s, i, image, e);
    }

    @Override
    public CompletionStage<Void> restorePreviousOsDisk(String s, String i) {
      return delegate.restorePreviousOsDisk(s, i);
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String s, String i, Extension e, String v) {
      return delegate.setExtensionVersion(s, i, e, v);
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String s, String i) {
      return delegate.applyLatestModel(s, i);
    }
  }

  /** The driver contract on {@code driver}, with no settle() of its own and no real-time wait. */
  static class NoSettleContract extends InstanceDriverContract {
    final RolloutTestEnvironment env = RolloutTestEnvironment.create();
    InstanceDriver driver = env.fleet();

    @Override
    protected InstanceDriver driver() {
      return driver;
    }

    @Override
    protected String scaleSetName() {
      return "vmss";
    }

    @Override
    protected ImageReference targetImage() {
      return env.nextImage();
    }

    @Override
    protected Duration stageTimeout() {
      return Duration.ZERO;
    }
  }

  /** A driver whose clock the contract cannot reach (a JDK holder it does not look into), with a settle() of its own. */
  static class HiddenClockContract extends NoSettleContract {
    private final VirtualScheduler myClock = env.clock();

    HiddenClockContract() {
      driver = new DelegatingDriver(new HiddenDriver(new AtomicReference<>(env.fleet())));
    }

    @Override
    protected void settle() {
      myClock.runUntilIdle();   // the VirtualScheduler your driver runs on, when the contract cannot reach it
    }
  }

  /** Keeps its delegate in a JDK object the contract does not look into. */
  record HiddenDriver(AtomicReference<InstanceDriver> holder) implements InstanceDriver {
    @Override
    public CompletionStage<List<Instance>> listInstances(String s) {
      return holder.get().listInstances(s);
    }

    @Override
    public CompletionStage<Instance> getInstance(String s, String i) {
      return holder.get().getInstance(s, i);
    }

    @Override
    public CompletionStage<Void> replaceOsDisk(String s, String i, ImageReference image, List<Extension> e) {
      return holder.get().replaceOsDisk(s, i, image, e);
    }

    @Override
    public CompletionStage<Void> restorePreviousOsDisk(String s, String i) {
      return holder.get().restorePreviousOsDisk(s, i);
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String s, String i, Extension e, String v) {
      return holder.get().setExtensionVersion(s, i, e, v);
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String s, String i) {
      return holder.get().applyLatestModel(s, i);
    }
  }

  private static void runAllChecks(InstanceDriverContract contract) {
    contract.listedInstancesHaveUniqueIdsAndCanBeReadOneByOne();
    contract.anUnknownInstanceIsAFailedStageNotAThrow();
    contract.anUpgradeCompletesAndTheInstanceThenRunsTheTarget();
    contract.restoringThePreviousOsDiskIsIdempotent();
    contract.whenSettledCompletesOnceNothingRuns();
  }

  @Test
  void theFakeFleetsClockIsMovedWithoutASettleOverride() {
    NoSettleContract contract = new NoSettleContract();
    runAllChecks(contract);
    assertThat(contract.env.clock().pendingTasks()).isZero();
    assertThat(contract.env.clock().now()).isAfter(VirtualScheduler.DEFAULT_START); // virtual time moved
  }

  @Test
  void aClockHeldThroughTheUsersOwnDriverIsFoundToo() {
    NoSettleContract contract = new NoSettleContract();
    contract.driver = new DelegatingDriver(new DelegatingDriver(contract.env.fleet()));
    runAllChecks(contract);
  }

  @Test
  void aClockOutOfReachFailsAtOnceNamingSettle() {
    NoSettleContract contract = new NoSettleContract();
    contract.driver = new DelegatingDriver(new HiddenDriver(new AtomicReference<>(contract.env.fleet())));
    assertThatThrownBy(contract::anUpgradeCompletesAndTheInstanceThenRunsTheTarget)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("replaceOsDisk did not complete within PT0S of real time")
        .hasMessageContaining("override settle()");
  }

  @Test
  void anOverriddenSettleMovesAClockOutOfReach() {
    runAllChecks(new HiddenClockContract());
  }

  @Test
  void aClockThatNeverGoesIdleIsReportedNotWaitedFor() {
    NoSettleContract contract = new NoSettleContract();
    VirtualScheduler clock = contract.env.clock();
    Runnable[] poll = new Runnable[1];
    poll[0] = () -> clock.schedule(Duration.ofSeconds(1), poll[0]); // something on the clock polls for ever
    poll[0].run();
    assertThatThrownBy(contract::anUpgradeCompletesAndTheInstanceThenRunsTheTarget)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("still busy after 1000000 tasks")
        .hasMessageContaining("override settle()");
  }

  @Test
  void clocksAreFoundInFieldsCollectionsAndMapsOnlyAFewStepsAway() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).build();
    FakeCloud cloud = FakeCloud.on(clock);
    assertThat(SpiContract.virtualClocksOf(fleet)).containsExactly(clock);
    assertThat(SpiContract.virtualClocksOf(cloud)).containsExactly(clock);
    assertThat(SpiContract.virtualClocksOf(new DelegatingDriver(fleet))).containsExactly(clock);
    assertThat(SpiContract.virtualClocksOf(List.of(Map.of("web", fleet)))).containsExactly(clock);
    assertThat(SpiContract.virtualClocksOf(new HiddenDriver(new AtomicReference<>(fleet)))).isEmpty();
    Object farAway = fleet;
    for (int k = 0; k < 4; k++) {
      farAway = new DelegatingDriver((InstanceDriver) farAway);
    }
    assertThat(SpiContract.virtualClocksOf(farAway)).isEmpty(); // five steps: not looked for
  }
}
