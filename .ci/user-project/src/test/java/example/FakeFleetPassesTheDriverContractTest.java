package example;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.contract.InstanceDriverContract;

/** The driver contract, run by the user's JUnit (the testkit brings none). */
class FakeFleetPassesTheDriverContractTest extends InstanceDriverContract {
  private final RolloutTestEnvironment env = RolloutTestEnvironment.create();

  @Override
  protected InstanceDriver driver() {
    return env.fleet();
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
