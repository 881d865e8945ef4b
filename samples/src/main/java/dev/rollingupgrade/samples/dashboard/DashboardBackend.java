package dev.rollingupgrade.samples.dashboard;

import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.core.view.HeatMap;
import java.util.List;
import java.util.Optional;

/**
 * What the dashboard ({@link DashboardServer}) needs from a scale set: its name and upgrade mode,
 * its heat map now, the current or last run, and the four actions of a {@code Manual} set. The
 * server turns each answer into JSON and each refusal into an HTTP error: an
 * {@link IllegalArgumentException} (bad input) into 400, an {@link IllegalStateException} (the
 * action does not fit the set's state) into 409, with the exception's message shown to the user —
 * so messages must say what was wrong in a sentence, and must never carry secrets.
 *
 * <p>Implementations must be thread-safe: the server calls them from its request threads and from
 * the thread that pushes updates to open pages (a few times a second), so the read methods should
 * be cheap and never wait on a driver call.
 */
public interface DashboardBackend {
  /** The scale set's name. */
  String scaleSetName();

  /** The scale set's upgrade mode; the actions are for {@link UpgradeMode#MANUAL} sets. */
  UpgradeMode upgradeMode();

  /**
   * The whole scale set now: one row per update domain, one cell per instance (not only the
   * instances of the current run).
   */
  HeatMap heatMap();

  /** The current run, or the last one once it has ended; empty before the first. */
  Optional<DashboardRun> lastRun();

  /**
   * Upgrades every out-of-date instance of one update domain to the latest model, all at once.
   *
   * @return a one-line message for the user (what started, or that there was nothing to do)
   * @throws IllegalArgumentException if the set has no such update domain
   * @throws IllegalStateException if the mode is not {@code Manual} or a run is in progress
   */
  String upgradeUpdateDomain(int updateDomain);

  /**
   * Upgrades the given instances to the latest model, all at once; ids already current are left
   * alone, a repeated id counts once.
   *
   * @return a one-line message for the user
   * @throws IllegalArgumentException if the list is empty or names ids the set does not have (the
   *     message names them; nothing is upgraded)
   * @throws IllegalStateException if the mode is not {@code Manual} or a run is in progress
   */
  String upgradeInstances(List<String> instanceIds);

  /**
   * Starts a rolling upgrade of every out-of-date instance under the set's rolling policy with the
   * given batch size.
   *
   * @param maxBatchInstancePercent the largest batch, in percent of the instances, 5..100
   * @return a one-line message for the user
   * @throws IllegalArgumentException if the percentage is outside 5..100
   * @throws IllegalStateException if the mode is not {@code Manual} or a run is in progress
   */
  String rollingUpgrade(int maxBatchInstancePercent);

  /**
   * Asks the run in progress to stop: no new batch starts, the batch in flight finishes.
   *
   * @return a one-line message for the user
   * @throws IllegalStateException if no run is in progress
   */
  String cancel();
}
