/** Seeded simulations of rolling upgrades on a fake fleet: {@link dev.rollingupgrade.testkit.sim.Simulation}. */
package dev.rollingupgrade.testkit.sim;
