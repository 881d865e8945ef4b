package dev.rollingupgrade.testkit.check;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Records a run for the {@link RolloutInvariants}: every event, with the run's progress and the
 * fake fleet's health-change count at that moment. Register it as a listener before the run
 * starts and {@link #watch} the run right after. Thread-safe.
 */
public final class RunRecorder implements UpgradeListener {
  private final FakeFleet fleet;
  private final List<Entry> entries = new ArrayList<>();
  private RollingUpgradeRun run;

  /** A recorder reading health history from {@code fleet}. */
  public RunRecorder(FakeFleet fleet) {
    this.fleet = Objects.requireNonNull(fleet, "fleet");
  }

  /** The run whose progress to sample at each event. */
  public synchronized RunRecorder watch(RollingUpgradeRun watched) {
    this.run = Objects.requireNonNull(watched, "run");
    return this;
  }

  @Override
  public synchronized void onEvent(UpgradeEvent event) {
    Optional<RollingUpgradeProgress> progress = run == null ? Optional.empty() : run.status().progress();
    entries.add(new Entry(event, progress, fleet.healthChangeCount()));
  }

  /** Everything recorded, in order. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The events recorded, in order. */
  public synchronized List<UpgradeEvent> events() {
    return entries.stream().map(Entry::event).toList();
  }

  /** The fleet the run upgraded. */
  public FakeFleet fleet() {
    return fleet;
  }

  /**
   * One recorded event.
   *
   * @param event the event
   * @param progress the run's progress when it happened
   * @param healthChanges how many health changes the fleet had made by then
   */
  public record Entry(UpgradeEvent event, Optional<RollingUpgradeProgress> progress, long healthChanges) {}
}
