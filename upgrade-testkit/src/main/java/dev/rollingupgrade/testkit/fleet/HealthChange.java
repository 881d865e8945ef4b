package dev.rollingupgrade.testkit.fleet;

import dev.rollingupgrade.api.HealthState;
import java.time.Instant;

/**
 * One change of an instance's health in the fake fleet.
 *
 * @param sequence position among all changes, from 0
 * @param time virtual time of the change
 * @param instanceId the instance
 * @param health its health from then on
 */
public record HealthChange(long sequence, Instant time, String instanceId, HealthState health) {}
