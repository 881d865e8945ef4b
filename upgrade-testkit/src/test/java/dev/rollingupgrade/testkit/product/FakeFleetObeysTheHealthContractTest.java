package dev.rollingupgrade.testkit.product;

import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.contract.HealthSignalContract;

/** The fake fleet itself passes the health signal contract (its virtual clock found by the contract: no settle()). */
class FakeFleetObeysTheHealthContractTest extends HealthSignalContract {
  private RolloutTestEnvironment env;

  @Override
  protected HealthSignal signal() {
    env = RolloutTestEnvironment.create();
    return env.fleet();
  }

  @Override
  protected String scaleSetName() {
    return "vmss";
  }

  @Override
  protected String instanceId() {
    return "3";
  }
}
