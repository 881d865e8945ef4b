package dev.rollingupgrade.testkit.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.InstanceOutcome;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A run's heat map at several moments of one run on a fake fleet in virtual time: each cell says
 * what the fleet and the driver show of its instance (image, operation under way, health, which
 * call came last) and what the run decided (its verdicts).
 *
 * <p>The fleet: 10 instances in zone 1, instance {@code i} in update domain {@code i mod 5}; an
 * upgrade call takes 60 s, health comes 30 s after it, a rollback takes 60 s, the health timeout
 * is 5 min. Instance 3 already runs the target, 9 is protected, 6 never becomes healthy. Batches
 * of 2, one update domain at a time: UD 0 {0, 5} at 0 s, UD 1 {1, 6} at 90 s (6 fails at 450 s
 * and is rolled back by 510 s), UD 2, UD 3 {8}, UD 4 {4}.
 */
class HeatMapFollowsTheRunTest {
  private final RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(10).zones(1).updateDomains(5)
      .build();
  private final FakeFleet fleet = env.fleet();
  private final Instant start = env.clock().now();
  private RollingUpgradeRun run;
  private Set<String> atTargetBefore;

  private RollingUpgradeRun start() {
    fleet.instance("3").runs(env.nextImage());
    fleet.instance("9").protectedFromScaleSetActions();
    fleet.instance("6").neverBecomesHealthy();
    atTargetBefore = fleet.instances().stream().filter(i -> i.image().equals(env.nextImage())).map(FakeInstance::id)
        .collect(Collectors.toSet());
    // platform runs roll failed instances back; one failure in four upgraded stays within 50 %
    run = env.start(env.scaleSet(RollingUpgradePolicy.builder().maxUnhealthyUpgradedInstancePercent(50).build()),
        u -> u.startedBy(UpgradeOperationInvoker.PLATFORM));
    return run;
  }

  private HeatMap at(long seconds) {
    env.clock().runUntil(start.plusSeconds(seconds));
    HeatMap map = run.heatMap();
    assertThat(map.time()).isEqualTo(start.plusSeconds(seconds));
    for (HeatMap.Cell cell : map.cells()) {
      assertThat(cell.state()).as("cell %s at %s s", cell.instanceId(), seconds).isEqualTo(fleetSays(cell.instanceId()));
    }
    return map;
  }

  /** The instances of each row, as {@code id:letter}, rows separated by {@code |}. */
  private static String rows(HeatMap map) {
    return map.rows().stream().map(r -> r.cells().stream().map(c -> c.instanceId() + ":" + c.state().letter())
        .collect(Collectors.joining(" "))).collect(Collectors.joining(" | "));
  }

  /** What the fleet and the driver show of one instance, and the run's verdict on it. */
  private CellState fleetSays(String id) {
    FakeInstance fake = fleet.instance(id);
    Instance seen = fleet.getInstance(fleet.scaleSetName(), id).toCompletableFuture().join();
    List<DriverCall.Kind> calls = fleet.stateChangingCalls().stream().filter(c -> c.instanceId().equals(id))
        .map(DriverCall::kind).toList();
    boolean busy = seen.provisioningState() == ProvisioningState.UPDATING;
    if (atTargetBefore.contains(id)) {
      return CellState.CURRENT;
    }
    if (calls.isEmpty()) {
      return CellState.OUT_OF_DATE; // waiting for its batch, or protected
    }
    if (calls.get(calls.size() - 1) == DriverCall.Kind.RESTORE_OS_DISK) {
      return busy || seen.appliedImage().equals(env.nextImage()) ? CellState.FAILED : CellState.ROLLED_BACK;
    }
    if (busy) {
      return CellState.UPGRADING;
    }
    boolean failedVerdict = run.outcome(id).orElseThrow().state() == InstanceOutcome.State.FAILED;
    if (failedVerdict) {
      return CellState.FAILED;
    }
    return fake.health() == HealthState.HEALTHY ? CellState.HEALTHY : CellState.WAITING_FOR_HEALTH;
  }

  @Test
  void beforeTheListingTheMapHasNoRows() {
    start();
    HeatMap map = run.heatMap();
    assertThat(map.rows()).isEmpty();
    assertThat(map.size()).isZero();
    assertThat(map.scaleSetName()).isEqualTo("vmss");
    assertThat(map.runId()).isEqualTo(run.runId());
  }

  @Test
  void everyCellFollowsItsInstanceThroughTheRun() {
    start();
    assertThat(rows(at(1))).isEqualTo("0:U 5:U | 1:O 6:O | 2:O 7:O | 3:C 8:O | 4:O 9:O"); // batch 1 upgrading
    assertThat(rows(at(60))).isEqualTo("0:W 5:W | 1:O 6:O | 2:O 7:O | 3:C 8:O | 4:O 9:O"); // the calls returned
    assertThat(rows(at(89))).isEqualTo("0:W 5:W | 1:O 6:O | 2:O 7:O | 3:C 8:O | 4:O 9:O");
    assertThat(rows(at(90))).isEqualTo("0:H 5:H | 1:U 6:U | 2:O 7:O | 3:C 8:O | 4:O 9:O"); // healthy; batch 2
    assertThat(rows(at(150))).isEqualTo("0:H 5:H | 1:W 6:W | 2:O 7:O | 3:C 8:O | 4:O 9:O");
    assertThat(rows(at(180))).isEqualTo("0:H 5:H | 1:H 6:W | 2:O 7:O | 3:C 8:O | 4:O 9:O"); // 6 stays unhealthy
    assertThat(rows(at(449))).isEqualTo("0:H 5:H | 1:H 6:W | 2:O 7:O | 3:C 8:O | 4:O 9:O");
    HeatMap failed = at(450); // 5 min after its call returned: failed, its rollback under way
    assertThat(rows(failed)).isEqualTo("0:H 5:H | 1:H 6:F | 2:O 7:O | 3:C 8:O | 4:O 9:O");
    assertThat(fleet.stateChangingCalls().get(fleet.stateChangingCalls().size() - 1).kind())
        .isEqualTo(DriverCall.Kind.RESTORE_OS_DISK);
    HeatMap rolledBack = at(510);
    assertThat(rows(rolledBack)).isEqualTo("0:H 5:H | 1:H 6:R | 2:U 7:U | 3:C 8:O | 4:O 9:O");
    assertThat(fleet.instance("6").image()).isEqualTo(env.currentImage());
    env.runUntilDone();
    env.assertThat(run).isCompleted().obeysPolicy().hasRolledBack("6");
    HeatMap end = at(Duration.between(start, env.clock().now()).toSeconds());
    assertThat(rows(end)).isEqualTo("0:H 5:H | 1:H 6:R | 2:H 7:H | 3:C 8:H | 4:H 9:O");
    assertThat(end.counts()).containsExactly(java.util.Map.entry(CellState.CURRENT, 1),
        java.util.Map.entry(CellState.OUT_OF_DATE, 1), java.util.Map.entry(CellState.UPGRADING, 0),
        java.util.Map.entry(CellState.WAITING_FOR_HEALTH, 0), java.util.Map.entry(CellState.HEALTHY, 7),
        java.util.Map.entry(CellState.FAILED, 0), java.util.Map.entry(CellState.ROLLED_BACK, 1));
    assertThat(end.cell("6").orElseThrow().batch()).isEqualTo(2);
    assertThat(end.cell("9").orElseThrow().batch()).isZero();
  }

  @Test
  void theHealthWaitShowsFromTheReturnOfTheUpgradeCallNotFromItsFirstHealthRead() {
    start();
    assertThat(rows(at(1))).startsWith("0:U 5:U |");
    fleet.instance("0").healthCallHangs(); // the run's first read after the return gets no answer
    HeatMap returned = at(60);
    assertThat(returned.cell("0").orElseThrow().state()).isEqualTo(CellState.WAITING_FOR_HEALTH);
    assertThat(rows(at(89))).startsWith("0:W 5:W |");
    assertThat(rows(at(90))).startsWith("0:H 5:H |"); // pushed health ends the wait
  }

  @Test
  void aResumedRunShowsTheBatchItPicksUp() {
    start();
    assertThat(rows(at(30))).startsWith("0:U 5:U |");
    run.abandon(); // the host dies with both upgrade calls under way; the fleet carries on
    run = env.recovery().resumeAll().get(0);
    assertThat(rows(run.heatMap())).isEqualTo("0:U 5:U | 1:O 6:O | 2:O 7:O | 3:C 8:O | 4:O 9:O"); // from the journal
    assertThat(rows(at(60))).startsWith("0:W 5:W |"); // the driver says the upgrades landed: the waits start
    run.abandon();
    run = env.recovery().resumeAll().get(0);
    assertThat(rows(run.heatMap())).startsWith("0:W 5:W |"); // the journal has the returns
    assertThat(rows(at(90))).startsWith("0:H 5:H | 1:U 6:U |");
  }

  @Test
  void whileTheListedInstancesAreSweptTheMapAndTheOutcomesShowThem() {
    fleet.instance("4").healthCallHangs(); // the sweep before planning waits for its answer
    start();
    env.advance(Duration.ofSeconds(1));
    assertThat(run.outcomes()).hasSize(10).allMatch(o -> o.state() == InstanceOutcome.State.SKIPPED);
    assertThat(rows(run.heatMap())).isEqualTo("0:O 5:O | 1:O 6:O | 2:O 7:O | 3:C 8:O | 4:O 9:O");
    env.runUntilDone();
    assertThat(run.heatMap().count(CellState.HEALTHY)).isEqualTo(7);
  }
}
