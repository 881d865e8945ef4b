package dev.rollingupgrade.api.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The right of one owner (a host, a replica) to drive one run, granted by a {@link RolloutStore}.
 * Every journal write carries the lease; the store refuses it once another owner has claimed the
 * run, which it may do only after {@code expiresAt} (by the store's clock) or after a
 * {@link RolloutStore#release}. Immutable and thread-safe.
 *
 * @param runId the run
 * @param owner who holds it, e.g. {@code host-a:4711}
 * @param fencingToken grows with every claim of the run: a write with an older token is refused
 * @param expiresAt when the lease ends unless renewed, by the store's clock
 */
public record Lease(String runId, String owner, long fencingToken, Instant expiresAt) {
  /** @throws NullPointerException if a field is null */
  public Lease {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
