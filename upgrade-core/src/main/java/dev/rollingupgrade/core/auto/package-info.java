/**
 * Automatic OS image upgrades (DESIGN §6): {@link dev.rollingupgrade.core.auto.AutomaticOsUpgrades}
 * watches the image catalog and starts rollouts; {@link dev.rollingupgrade.core.auto.ImageRollout}
 * runs one release over many scale sets in many regions, phase by phase, journalled and resumable;
 * the pure {@link dev.rollingupgrade.core.auto.PhasePlanner} puts regions into phases (geo pairs
 * never in one phase) and the sets of a region into waves (never two zones in flight at once);
 * {@link dev.rollingupgrade.core.auto.SupportedImages} and
 * {@link dev.rollingupgrade.core.auto.OsUpgradeRequirements} check what automatic upgrades need.
 */
package dev.rollingupgrade.core.auto;
