/**
 * Rolling upgrade runs (DESIGN §5): {@link dev.rollingupgrade.core.run.RollingUpgrade} configures
 * and starts one, {@link dev.rollingupgrade.core.run.RollingUpgradeRun} is the handle (status,
 * cancel, completion), {@link dev.rollingupgrade.core.run.UpgradeHistory} reads a scale set's
 * history with its retention.
 */
package dev.rollingupgrade.core.run;
