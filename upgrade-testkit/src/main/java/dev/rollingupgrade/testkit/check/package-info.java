/**
 * Recording runs and checking them against the rules of rolling upgrades:
 * {@link dev.rollingupgrade.testkit.check.RunRecorder} and {@link dev.rollingupgrade.testkit.check.RolloutInvariants}.
 */
package dev.rollingupgrade.testkit.check;
