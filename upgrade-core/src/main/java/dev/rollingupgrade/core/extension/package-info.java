/**
 * Automatic extension upgrades (DESIGN §7): which extensions may opt in
 * ({@link dev.rollingupgrade.core.extension.SupportedExtensions},
 * {@link dev.rollingupgrade.core.extension.ExtensionUpgradeRequirements}) and which published
 * version an opted-in extension moves to ({@link dev.rollingupgrade.core.extension.ExtensionVersions}).
 */
package dev.rollingupgrade.core.extension;
