package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §5.3: the health timeout runs from the upgrade call's return; {@code INSTANCE_HEALTH_WAIT_STARTED}
 * marks that moment for listeners (metrics time the health wait from it).
 */
class HealthWaitStartsWhenTheUpgradeCallReturnsTest {

  static Map<String, Instant> at(Scenario s, UpgradeEventType type) {
    return s.events(type).stream().collect(Collectors.toMap(e -> e.instanceIds().get(0), UpgradeEvent::time));
  }

  @Test
  void everyReturnedUpgradeStartsAHealthWaitThatItsVerdictEnds() {
    Scenario s = Scenario.of(20, 1, 5); // the fake's upgrade takes 60 s, health comes 30 s later
    s.fleet.instance("19").neverBecomesHealthy();
    s.fleet.instance("14").failsUpgrade();
    s.runToEnd();

    Map<String, Instant> started = at(s, UpgradeEventType.INSTANCE_UPGRADE_STARTED);
    Map<String, Instant> waits = at(s, UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED);
    Map<String, Instant> healthy = at(s, UpgradeEventType.INSTANCE_HEALTHY);
    Map<String, Instant> failed = at(s, UpgradeEventType.INSTANCE_FAILED);
    assertThat(waits).doesNotContainKey("14").hasSize(19); // a failed call starts no wait
    waits.forEach((id, time) -> assertThat(time).as(id).isEqualTo(started.get(id).plus(Duration.ofSeconds(60))));
    healthy.forEach((id, time) -> assertThat(time).as(id).isEqualTo(waits.get(id).plus(Duration.ofSeconds(30))));
    assertThat(failed.get("19")).isEqualTo(waits.get("19").plus(Duration.ofMinutes(5))); // the health timeout
  }

  @Test
  void theWaitStartsBeforeItsVerdictInTheEventOrder() {
    Scenario s = Scenario.of(10, 1, 5);
    s.runToEnd();
    var types = s.recorder.events().stream().filter(e -> e.instanceIds().equals(List.of("3")))
        .map(UpgradeEvent::type).toList();
    assertThat(types).containsExactly(UpgradeEventType.INSTANCE_UPGRADE_STARTED,
        UpgradeEventType.INSTANCE_HEALTH_WAIT_STARTED, UpgradeEventType.INSTANCE_HEALTHY);
  }
}
