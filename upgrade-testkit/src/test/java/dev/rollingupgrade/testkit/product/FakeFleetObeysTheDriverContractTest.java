package dev.rollingupgrade.testkit.product;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.contract.InstanceDriverContract;
import dev.rollingupgrade.testkit.time.VirtualScheduler;

/** The fake fleet itself passes the driver contract; virtual time moves on in {@code settle()}. */
class FakeFleetObeysTheDriverContractTest extends InstanceDriverContract {
  private RolloutTestEnvironment env;

  @Override
  protected InstanceDriver driver() {
    env = RolloutTestEnvironment.create();
    return env.fleet();
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
    VirtualScheduler clock = env.clock();
    clock.runUntilIdle();
  }
}
