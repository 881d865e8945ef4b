/**
 * Crashing the host of a run on purpose, to test resuming it:
 * {@link dev.rollingupgrade.testkit.crash.CrashingStore} stops a run at a chosen journal record.
 */
package dev.rollingupgrade.testkit.crash;
