/** Built-in {@link dev.rollingupgrade.api.spi.RolloutStore}s: {@link dev.rollingupgrade.core.store.InMemoryRolloutStore}. */
package dev.rollingupgrade.core.store;
