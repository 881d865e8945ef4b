package dev.rollingupgrade.samples.dashboard;

import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A backend whose answers the test sets: a heat map of the given ids (2 update domains), the last
 * run, and what each action does; it records the actions it was asked for.
 */
final class StubBackend implements DashboardBackend {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final List<HeatMap.Cell> cells = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private Optional<DashboardRun> run = Optional.empty();
  private Supplier<String> action = () -> "done";
  private Instant time = T0;

  /** Instances {@code ids}, alternating between update domains 0 and 1, all out of date. */
  StubBackend(String... ids) {
    for (int k = 0; k < ids.length; k++) {
      cells.add(new HeatMap.Cell(ids[k], Optional.of("1"), k % 2, CellState.OUT_OF_DATE, 0));
    }
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** What every action does from now on. */
  synchronized void onAction(Supplier<String> action) {
    this.action = action;
  }

  synchronized void state(String instanceId, CellState state) {
    cells.replaceAll(c -> c.instanceId().equals(instanceId)
        ? new HeatMap.Cell(c.instanceId(), c.zone(), c.updateDomain(), state, 1) : c);
  }

  /** The clock of the heat map moves; nothing it shows changes. */
  synchronized void tick() {
    time = time.plusSeconds(1);
  }

  synchronized void run(RollingUpgradeStatusCode code, int succeeded, int failed, int inProgress, int pending,
      String errorMessage) {
    RollingUpgradeStatus.Builder status = RollingUpgradeStatus.builder()
        .runningStatus(RunningStatus.builder().code(code).startTime(T0).build())
        .progress(RollingUpgradeProgress.builder().successfulInstanceCount(succeeded).failedInstanceCount(failed)
            .inProgressInstanceCount(inProgress).pendingInstanceCount(pending).build());
    if (errorMessage != null) {
      status.error(ApiError.builder().code("UpgradeFailed").message(errorMessage).build());
    }
    run = Optional.of(new DashboardRun("web-1", "upgrade of update domain 0", status.build()));
  }

  @Override
  public String scaleSetName() {
    return "web";
  }

  @Override
  public UpgradeMode upgradeMode() {
    return UpgradeMode.MANUAL;
  }

  @Override
  public synchronized HeatMap heatMap() {
    return HeatMap.of("web", run.map(DashboardRun::runId).orElse("none"), time, cells);
  }

  @Override
  public synchronized Optional<DashboardRun> lastRun() {
    return run;
  }

  @Override
  public String upgradeUpdateDomain(int updateDomain) {
    return call("upgradeUpdateDomain " + updateDomain);
  }

  @Override
  public String upgradeInstances(List<String> instanceIds) {
    return call("upgradeInstances " + instanceIds);
  }

  @Override
  public String rollingUpgrade(int maxBatchInstancePercent) {
    return call("rollingUpgrade " + maxBatchInstancePercent);
  }

  @Override
  public String cancel() {
    return call("cancel");
  }

  private String call(String what) {
    Supplier<String> a;
    synchronized (this) {
      calls.add(what);
      a = action;
    }
    return a.get();
  }
}
