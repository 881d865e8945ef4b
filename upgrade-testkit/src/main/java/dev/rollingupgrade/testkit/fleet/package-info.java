/**
 * A scriptable fake fleet: {@link dev.rollingupgrade.testkit.fleet.FakeFleet} implements the
 * driver, health and image catalog SPIs on virtual time and records every call.
 */
package dev.rollingupgrade.testkit.fleet;
