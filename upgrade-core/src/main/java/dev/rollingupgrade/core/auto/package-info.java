/**
 * Automatic OS image upgrades (DESIGN §6): {@link dev.rollingupgrade.core.auto.SupportedImages},
 * the replaceable list of platform images they support, and
 * {@link dev.rollingupgrade.core.auto.OsUpgradeRequirements}, the checks that depend on it.
 */
package dev.rollingupgrade.core.auto;
