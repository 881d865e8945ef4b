/**
 * A {@link dev.rollingupgrade.api.spi.RolloutStore} on PostgreSQL for services deployed as several
 * replicas: {@link dev.rollingupgrade.store.postgres.PostgresRolloutStore} (leases by the database
 * clock, fencing tokens, grouped writes), its versioned schema
 * ({@link dev.rollingupgrade.store.postgres.PostgresSchema}) and the loop by which a replica takes
 * over the runs of one that died ({@link dev.rollingupgrade.store.postgres.RecoveryLoop}).
 */
package dev.rollingupgrade.store.postgres;
