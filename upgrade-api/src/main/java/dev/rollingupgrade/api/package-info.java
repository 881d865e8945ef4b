/**
 * The scale-set model: immutable values shaped like the Azure Compute REST API
 * ({@link dev.rollingupgrade.api.ScaleSet}, {@link dev.rollingupgrade.api.UpgradePolicy},
 * {@link dev.rollingupgrade.api.RollingUpgradePolicy}, {@link dev.rollingupgrade.api.ImageReference},
 * {@link dev.rollingupgrade.api.Extension}, {@link dev.rollingupgrade.api.Instance}, ...).
 *
 * <p>Every value is checked when it is built: an invalid value never exists, and building one
 * throws a single {@link dev.rollingupgrade.api.validation.InvalidModelException} naming every
 * violation with its JSON path and the allowed values. All types are immutable and thread-safe.
 */
@ModelStyle
package dev.rollingupgrade.api;
