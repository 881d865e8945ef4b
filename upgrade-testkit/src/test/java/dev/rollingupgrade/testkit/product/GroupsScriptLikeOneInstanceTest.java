package dev.rollingupgrade.testkit.product;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.fleet.FakeInstances;
import dev.rollingupgrade.testkit.fleet.HealthChange;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A zone, an update domain or a few instances are scripted with the very names one instance is. */
class GroupsScriptLikeOneInstanceTest {

  @Test
  void everyScriptOfAnInstanceHasItsNamesakeForAGroup() {
    List<String> missing = Arrays.stream(FakeInstance.class.getMethods())
        .filter(m -> m.getReturnType() == FakeInstance.class && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> !hasNamesake(m))
        .map(m -> m.getName() + Arrays.toString(m.getParameterTypes()))
        .sorted().toList();
    assertThat(missing).as("FakeInstance scripts FakeInstances lacks").isEmpty();
  }

  private static boolean hasNamesake(Method script) {
    try {
      Method group = FakeInstances.class.getMethod(script.getName(), script.getParameterTypes());
      return group.getReturnType() == FakeInstances.class && !group.isAnnotationPresent(Deprecated.class);
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  @Test
  void aGroupHangsOnUpgrade() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    FakeFleet fleet = env.fleet();
    fleet.instances("1", "2").hangsOnUpgrade();
    CompletableFuture<Void> hung = fleet.replaceOsDisk("vmss", "2", env.nextImage(), List.of()).toCompletableFuture();
    CompletableFuture<Void> done = fleet.replaceOsDisk("vmss", "3", env.nextImage(), List.of()).toCompletableFuture();
    env.advance(Duration.ofHours(1));
    assertThat(hung).isNotDone();
    assertThat(done).isCompleted();
  }

  @Test
  void aGroupFlaps() {
    RolloutTestEnvironment env = RolloutTestEnvironment.create();
    FakeFleet fleet = env.fleet();
    fleet.updateDomain(1).flaps(Duration.ofMinutes(1), 2); // instance 1 and 6
    fleet.replaceOsDisk("vmss", "6", env.nextImage(), List.of());
    env.runUntilDone();
    assertThat(fleet.healthChanges()).filteredOn(c -> c.instanceId().equals("6")).extracting(HealthChange::health)
        .containsExactly(HealthState.INITIALIZING, HealthState.HEALTHY, HealthState.UNHEALTHY, HealthState.HEALTHY,
            HealthState.UNHEALTHY, HealthState.HEALTHY);
  }
}
