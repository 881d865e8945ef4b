package dev.rollingupgrade.testkit.guide;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.contract.InstanceDriverContract;

class MyDriverContractTest extends InstanceDriverContract {
  private final RolloutTestEnvironment env = RolloutTestEnvironment.create(); // JUnit makes one per check

  @Override
  protected InstanceDriver driver() {
    return env.fleet();                       // yours: new MyDriver(...), on a scale set it may upgrade
  }

  @Override
  protected String scaleSetName() {
    return env.fleet().scaleSetName();
  }

  @Override
  protected ImageReference targetImage() {
    return env.nextImage();
  }
}
