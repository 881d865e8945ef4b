package dev.rollingupgrade.core.mode;

import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ModelUpgrades#updateModel} did: the change it stored, and the run the set's upgrade
 * mode started for it ({@code Rolling}: a rolling run; {@code Automatic}: every out-of-date
 * instance at once; {@code Manual}: none, the instances wait for an explicit upgrade). A change
 * that reaches no instance (e.g. the upgrade policy only) starts no run in any mode.
 *
 * @param change the fields changed
 * @param mode the upgrade mode of the updated model
 * @param run the run started for the change, if any
 */
public record ModelUpdate(ModelChange change, UpgradeMode mode, Optional<RollingUpgradeRun> run) {
  /** Checks for nulls. */
  public ModelUpdate {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(run, "run");
  }
}
