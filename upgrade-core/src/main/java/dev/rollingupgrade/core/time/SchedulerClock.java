package dev.rollingupgrade.core.time;

import dev.rollingupgrade.api.spi.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} reading a {@link Scheduler}'s time (UTC): how a store expires leases by the
 * same virtual time as the runs in tests. Thread-safe when the scheduler is.
 */
public final class SchedulerClock extends Clock {
  private final Scheduler scheduler;

  private SchedulerClock(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** A clock reading {@code scheduler}. */
  public static Clock of(Scheduler scheduler) {
    return new SchedulerClock(scheduler);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new IllegalArgumentException("a scheduler clock is always UTC, not " + zone);
  }

  @Override
  public Instant instant() {
    return scheduler.now();
  }
}
