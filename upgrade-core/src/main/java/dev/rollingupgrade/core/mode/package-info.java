/**
 * The model update workflow and the {@code Manual}, {@code Automatic} and {@code Rolling} upgrade
 * modes (DESIGN §8): {@link dev.rollingupgrade.core.mode.ModelUpgrades} gets, changes and puts a
 * scale set's model and upgrades its instances as the mode says; {@link
 * dev.rollingupgrade.core.mode.ModelChange} checks what a model update may change; {@link
 * dev.rollingupgrade.core.mode.OsUpdate} names the four kinds of OS update.
 */
package dev.rollingupgrade.core.mode;
