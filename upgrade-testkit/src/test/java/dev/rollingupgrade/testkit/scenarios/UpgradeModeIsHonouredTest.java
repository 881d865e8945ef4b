package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DESIGN §8 (the part the engine owns): the platform never starts a run on a Manual or Automatic set. */
class UpgradeModeIsHonouredTest {
  @ParameterizedTest
  @EnumSource(value = UpgradeMode.class, names = {"MANUAL", "AUTOMATIC"})
  void aPlatformRunIsRefusedWithWhatToDoInstead(UpgradeMode mode) {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    ScaleSet set = withMode(env.scaleSet(), mode);
    assertThatThrownBy(() -> RollingUpgrade.of(set).driver(env.fleet()).health(env.fleet()).scheduler(env.clock())
        .startedBy(UpgradeOperationInvoker.PLATFORM).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("upgradePolicy.mode " + mode.azureName())
        .hasMessageContaining("Start one by hand (startedBy USER)");
    assertThat(env.fleet().stateChangingCalls()).isEmpty();
    assertThat(env.store().unfinishedRuns()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = UpgradeMode.class, names = {"MANUAL", "AUTOMATIC"})
  void aUserMayStillRollSuchASetByHand(UpgradeMode mode) {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    var run = env.start(withMode(env.scaleSet(), mode));
    env.runUntilDone();
    env.assertThat(run).obeysPolicy().isCompleted();
  }

  private static ScaleSet withMode(ScaleSet set, UpgradeMode mode) {
    return ScaleSet.builder().from(set).upgradePolicy(UpgradePolicy.builder().from(set.upgradePolicy()).mode(mode).build())
        .build();
  }
}
