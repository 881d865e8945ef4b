/**
 * Status and history of upgrade runs, shaped like the Azure responses of
 * {@code rollingUpgrades/latest} ({@link dev.rollingupgrade.api.status.RollingUpgradeStatus}) and
 * {@code osUpgradeHistory} ({@link dev.rollingupgrade.api.status.UpgradeHistoryEntry}). Fields Azure
 * may omit are {@code Optional}. All types are immutable and thread-safe.
 */
@ModelStyle
package dev.rollingupgrade.api.status;

import dev.rollingupgrade.api.ModelStyle;
