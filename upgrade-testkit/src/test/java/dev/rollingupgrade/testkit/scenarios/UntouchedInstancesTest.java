package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import org.junit.jupiter.api.Test;

/** DESIGN §4: instances already at the target and protected ones are never touched nor counted. */
class UntouchedInstancesTest {

  @Test
  void currentAndProtectedInstancesGetNoCallAndNoProgressBucket() {
    Scenario s = Scenario.of(10, 1, 5);
    s.fleet.instance("2").runs(Scenario.NEW);
    s.fleet.instance("7").runs(Scenario.NEW);
    s.fleet.instance("4").protectedFromScaleSetActions();
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.calls(DriverCall.Kind.REPLACE_OS_DISK)).doesNotContain("2", "7", "4").hasSize(7);
    assertThat(end.progress().orElseThrow().total()).isEqualTo(7);
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(7);
  }

  @Test
  void aSetAlreadyAtTheTargetCompletesWithNothingToDo() {
    Scenario s = Scenario.of(3, 1, 1);
    s.fleet.instances().forEach(i -> i.runs(Scenario.NEW));
    UpgradeHistoryEntry end = s.runToEnd();
    assertThat(s.fleet.stateChangingCalls()).isEmpty();
    assertThat(end.progress().orElseThrow().total()).isZero();
    assertThat(end.runningStatus().orElseThrow().code()).hasValueSatisfying(c -> assertThat(c.azureName()).isEqualTo("Completed"));
  }
}
