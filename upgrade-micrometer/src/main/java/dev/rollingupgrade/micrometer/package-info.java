/**
 * Micrometer meters for rolling upgrades: {@link dev.rollingupgrade.micrometer.UpgradeMetrics} turns
 * the events of runs, rollouts and the automatic upgrade services into counters, timers and a gauge
 * in any {@code MeterRegistry}. The SDK's core does not depend on Micrometer; only this module does.
 */
package dev.rollingupgrade.micrometer;
