package dev.rollingupgrade.testkit.product;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.contract.InstanceDriverContract;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The driver contract fails a driver that throws instead of failing its stage. */
class ContractCatchesABrokenDriverTest {

  /** Delegates to the fake fleet, but throws for unknown instances. */
  static final class ThrowingDriver implements InstanceDriver {
    private final InstanceDriver fleet;

    ThrowingDriver(InstanceDriver fleet) {
      this.fleet = fleet;
    }

    @Override
    public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
      return fleet.listInstances(scaleSetName);
    }

    @Override
    public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
      if (instanceId.startsWith("no-such")) {
        throw new IllegalArgumentException("unknown instance " + instanceId);
      }
      return fleet.getInstance(scaleSetName, instanceId);
    }

    @Override
    public CompletionStage<Void> replaceOsDisk(String s, String i, ImageReference image, List<Extension> e) {
      return fleet.replaceOsDisk(s, i, image, e);
    }

    @Override
    public CompletionStage<Void> restorePreviousOsDisk(String s, String i) {
      return fleet.restorePreviousOsDisk(s, i);
    }

    @Override
    public CompletionStage<Void> setExtensionVersion(String s, String i, Extension e, String v) {
      return fleet.setExtensionVersion(s, i, e, v);
    }

    @Override
    public CompletionStage<Void> applyLatestModel(String s, String i) {
      return fleet.applyLatestModel(s, i);
    }
  }

  static final class BrokenDriverContract extends InstanceDriverContract {
    private final RolloutTestEnvironment env = RolloutTestEnvironment.create();

    @Override
    protected InstanceDriver driver() {
      return new ThrowingDriver(env.fleet());
    }

    @Override
    protected String scaleSetName() {
      return "vmss";
    }

    @Override
    protected ImageReference targetImage() {
      return RolloutTestEnvironment.NEXT_IMAGE;
    }

    @Override
    protected void settle() {
      env.clock().runUntilIdle();
    }
  }

  @Test
  void aThrowInsteadOfAFailedStageIsReported() throws Exception {
    Method check = InstanceDriverContract.class.getDeclaredMethod("anUnknownInstanceIsAFailedStageNotAThrow");
    check.setAccessible(true);
    assertThatThrownBy(() -> {
      try {
        check.invoke(new BrokenDriverContract());
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    }).isInstanceOf(AssertionError.class)
        .hasMessageContaining("getInstance threw java.lang.IllegalArgumentException: unknown instance no-such-instance-0 "
            + "instead of returning a stage");
  }
}
