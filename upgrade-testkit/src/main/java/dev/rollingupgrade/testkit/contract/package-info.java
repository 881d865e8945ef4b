/**
 * Contract tests for implementations of the SPIs: extend
 * {@link dev.rollingupgrade.testkit.contract.InstanceDriverContract} or
 * {@link dev.rollingupgrade.testkit.contract.HealthSignalContract} in your own test sources to check
 * your driver or health signal against what the SDK relies on. The hooks both share, {@code settle()}
 * and {@code stageTimeout()}, are those of {@link dev.rollingupgrade.testkit.contract.SpiContract}.
 */
package dev.rollingupgrade.testkit.contract;
