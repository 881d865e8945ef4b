package dev.rollingupgrade.core.store;

import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.LeaseLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The leases of a single-process store: who drives which run until when, and each run's newest
 * fencing token. Lookups only (no iteration). Not thread-safe: the store guards it.
 */
final class LeaseTable {
  private final Clock clock;
  private final Map<String, Lease> current = new HashMap<>();
  private final Map<String, Long> tokens = new HashMap<>();

  LeaseTable(Clock clock) {
    this.clock = clock;
  }

  Optional<Lease> claim(String runId, String owner, Duration duration) {
    Instant now = clock.instant();
    Lease held = current.get(runId);
    if (held != null && held.expiresAt().isAfter(now)) {
      return Optional.empty();
    }
    long token = tokens.merge(runId, 1L, Long::sum);
    Lease lease = new Lease(runId, owner, token, now.plus(duration));
    current.put(runId, lease);
    return Optional.of(lease);
  }

  Lease renew(Lease lease, Duration duration) {
    check(lease);
    Lease renewed = new Lease(lease.runId(), lease.owner(), lease.fencingToken(), clock.instant().plus(duration));
    current.put(lease.runId(), renewed);
    return renewed;
  }

  void release(Lease lease) {
    Lease held = current.get(lease.runId());
    if (held != null && held.fencingToken() == lease.fencingToken()) {
      current.remove(lease.runId());
    }
  }

  /** Refuses a lease that is not the run's newest (a released lease is refused too). */
  void check(Lease lease) {
    Lease held = current.get(lease.runId());
    if (held == null || held.fencingToken() != lease.fencingToken()) {
      throw new LeaseLostException("run " + lease.runId() + ": the lease of " + lease.owner() + " (token "
          + lease.fencingToken() + ") is no longer valid; " + (held == null ? "the run was released"
              : "it is held by " + held.owner() + " with token " + held.fencingToken()));
    }
  }
}
