/**
 * How runs and the orchestrators above them execute: {@link dev.rollingupgrade.core.exec.SerialExecutor}
 * runs one owner's state changes one at a time on the injected scheduler and calls plug-ins
 * outside its lock, each call bounded by a timeout.
 */
package dev.rollingupgrade.core.exec;
