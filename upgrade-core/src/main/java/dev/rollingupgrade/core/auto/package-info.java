/**
 * Automatic OS image upgrades across regions (DESIGN §6): the pure, deterministic
 * {@link dev.rollingupgrade.core.auto.PhasePlanner} that puts the regions of a rollout into
 * phases (geo pairs never in one phase) and the scale sets of each region into waves (never two
 * zones in flight at once), each step explained for a dry run.
 */
package dev.rollingupgrade.core.auto;
