/**
 * Health signals that ship with the SDK: the application health extension's HTTP/HTTPS/TCP probes
 * ({@link dev.rollingupgrade.core.health.ApplicationHealthSignal}, settings from the model in
 * {@link dev.rollingupgrade.core.health.ApplicationHealthSettings}, addresses from an
 * {@link dev.rollingupgrade.core.health.InstanceAddressResolver}), the platform's default rule
 * ({@link dev.rollingupgrade.core.health.PlatformHealthSignal}), and the choice between them from a
 * scale set's model ({@link dev.rollingupgrade.core.health.HealthSignals}). JDK only:
 * {@code java.net.http} and NIO.
 */
package dev.rollingupgrade.core.health;
