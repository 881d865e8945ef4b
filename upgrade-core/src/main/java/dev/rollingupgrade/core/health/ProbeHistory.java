package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.HealthState;
import java.time.Duration;
import java.time.Instant;

/**
 * The state of one instance as its probe results make it (no I/O, no clock of its own): the first
 * result sets it; later, {@code numberOfProbes} consecutive equal results change it. An upgrade
 * makes it {@code INITIALIZING} from the moment it starts until, once it is done, the instance
 * answers healthy {@code numberOfProbes} times in a row or the grace period ends (then the latest
 * result holds; {@code UNKNOWN} if none came). Results of probes started before the latest
 * upgrade began, or while it went on, are ignored ({@link #epoch()}: both its start and its end
 * begin a new epoch). Not thread-safe: the signal locks it.
 */
final class ProbeHistory {
  private final int numberOfProbes;
  private HealthState reported; // null until the first result
  private HealthState latest;
  private int streak;
  private boolean restarting;
  private Instant graceEnd; // non-null during a grace period
  private long epoch;
  boolean inFlight;
  String lastLoggedReason;

  ProbeHistory(int numberOfProbes) {
    this.numberOfProbes = numberOfProbes;
  }

  /** The state now; null before any result. */
  HealthState reported() {
    return reported;
  }

  /** Bumped as every upgrade starts and ends: a result of an older probe does not count. */
  long epoch() {
    return epoch;
  }

  /** An upgrade (a restart of the application) starts: {@code INITIALIZING} until it is done and healthy. */
  HealthState restarting() {
    epoch++;
    restarting = true;
    graceEnd = null;
    latest = null;
    streak = 0;
    inFlight = false;
    reported = HealthState.INITIALIZING;
    return reported;
  }

  /** Whether an upgrade has started and is not done: the application is not probed then. */
  boolean isRestarting() {
    return restarting;
  }

  /**
   * The upgrade is done: the grace period runs from {@code now}. A new epoch starts, so a probe
   * sent while the application was being replaced does not count, and none is in flight for the
   * new one (it is probed at once).
   */
  HealthState restarted(Instant now, Duration gracePeriod) {
    if (!restarting) {
      restarting();
    }
    epoch++;
    inFlight = false;
    restarting = false;
    graceEnd = now.plus(gracePeriod);
    return reported;
  }

  /** Records one probe's result at {@code now}; returns the state after it. */
  HealthState record(HealthState result, Instant now) {
    if (restarting) {
      return reported; // the application is being replaced: nothing it says yet counts
    }
    if (result == latest) {
      streak++;
    } else {
      latest = result;
      streak = 1;
    }
    if (reported == null) {
      reported = result;
    } else if (graceEnd != null) {
      if (result == HealthState.HEALTHY && streak >= numberOfProbes) {
        graceEnd = null;
        reported = HealthState.HEALTHY;
      } else {
        expire(now);
      }
    } else if (streak >= numberOfProbes) {
      reported = result;
    }
    return reported;
  }

  /** Ends a grace period that is over at {@code now}: the latest result holds. Returns the state. */
  HealthState expire(Instant now) {
    if (!restarting && graceEnd != null && !now.isBefore(graceEnd)) {
      graceEnd = null;
      reported = latest == null ? HealthState.UNKNOWN : latest;
    }
    return reported;
  }
}
