package dev.rollingupgrade.core.run;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The timing knobs of runs, in one place, validated once, shared by {@link RollingUpgrade} and
 * {@link RolloutRecovery}. The one timing knob not here is {@code healthTimeout} (how long an
 * upgraded instance has to report healthy, default 5 minutes): it belongs to the scale set's
 * {@code rollingUpgradePolicy}, as Azure's other policy fields do.
 *
 * <ul>
 *   <li>{@code callTimeout} (30 minutes): bound on each driver call; a call still running then
 *       fails its instance, and its stage is cancelled.
 *   <li>{@code healthCallTimeout} (1 minute): bound on each health read; a read still running
 *       then counts as {@code UNKNOWN}.
 *   <li>{@code healthPollInterval} (5 seconds, but at most a tenth of {@code healthTimeout}):
 *       how often health is polled when the signal cannot push. Polling starts an eighth of it
 *       after an upgrade returns and backs off to it. A run refuses to start with an interval
 *       over half its health timeout: every instance would wait out the timeout.
 *   <li>{@code leaseDuration} (1 minute): how long the store's lease on a run lasts unless
 *       renewed; a run renews it every third of that while it drives the run. Another host can
 *       take a run over that long after its owner died.
 *   <li>{@code owner} (this process's id and a counter): who holds the leases, in the store.
 * </ul>
 *
 * <p>A new run journals its timeouts; a resumed run uses the ones it was started with. Immutable
 * and thread-safe.
 */
public final class RunOptions {
  private static final AtomicLong OWNERS = new AtomicLong();
  private static final RunOptions DEFAULTS = new RunOptions(Duration.ofMinutes(30), Duration.ofMinutes(1),
      Optional.empty(), Duration.ofMinutes(1), null);

  private final Duration callTimeout;
  private final Duration healthCallTimeout;
  private final Optional<Duration> healthPollInterval;
  private final Duration leaseDuration;
  private final String owner;

  private RunOptions(Duration callTimeout, Duration healthCallTimeout, Optional<Duration> healthPollInterval,
      Duration leaseDuration, String owner) {
    this.callTimeout = callTimeout;
    this.healthCallTimeout = healthCallTimeout;
    this.healthPollInterval = healthPollInterval;
    this.leaseDuration = leaseDuration;
    this.owner = owner;
  }

  /** The defaults listed above. */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  /** @throws IllegalArgumentException unless more than zero */
  public RunOptions withCallTimeout(Duration timeout) {
    return new RunOptions(positive(timeout, "callTimeout"), healthCallTimeout, healthPollInterval, leaseDuration, owner);
  }

  /** @throws IllegalArgumentException unless more than zero */
  public RunOptions withHealthCallTimeout(Duration timeout) {
    return new RunOptions(callTimeout, positive(timeout, "healthCallTimeout"), healthPollInterval, leaseDuration, owner);
  }

  /** @throws IllegalArgumentException unless more than zero */
  public RunOptions withHealthPollInterval(Duration interval) {
    return new RunOptions(callTimeout, healthCallTimeout, Optional.of(positive(interval, "healthPollInterval")),
        leaseDuration, owner);
  }

  /** @throws IllegalArgumentException unless at least 1 second */
  public RunOptions withLeaseDuration(Duration duration) {
    Objects.requireNonNull(duration, "leaseDuration");
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("leaseDuration must be at least PT1S, got " + duration);
    }
    return new RunOptions(callTimeout, healthCallTimeout, healthPollInterval, duration, owner);
  }

  /** @throws IllegalArgumentException if blank */
  public RunOptions withOwner(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank");
    }
    return new RunOptions(callTimeout, healthCallTimeout, healthPollInterval, leaseDuration, name);
  }


  /** How long a driver call may take before it counts as timed out. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** How long one health read may take before it counts as unknown. */
  public Duration healthCallTimeout() {
    return healthCallTimeout;
  }

  /** The poll interval set, if any; runs then use {@link #healthPollInterval(Duration)}. */
  public Optional<Duration> healthPollInterval() {
    return healthPollInterval;
  }

  /**
   * The poll interval for a policy's {@code healthTimeout}: the one set, else 5 seconds but at
   * most a tenth of the timeout.
   *
   * @throws IllegalArgumentException if the one set is over half the health timeout
   */
  public Duration healthPollInterval(Duration healthTimeout) {
    if (healthPollInterval.isEmpty()) {
      Duration tenth = healthTimeout.dividedBy(10);
      Duration five = Duration.ofSeconds(5);
      return tenth.isZero() ? healthTimeout : tenth.compareTo(five) < 0 ? tenth : five;
    }
    Duration set = healthPollInterval.get();
    if (set.multipliedBy(2).compareTo(healthTimeout) > 0) {
      throw new IllegalArgumentException("healthPollInterval " + set + " is more than half of the policy's healthTimeout "
          + healthTimeout + ": every instance would wait out the timeout and pass on its last read; set a shorter "
          + "interval (RunOptions.withHealthPollInterval) or a longer rollingUpgradePolicy.healthTimeout");
    }
    return set;
  }

  /** How long the run's lease lasts; it is renewed every third of it while the run goes on. */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** Who holds the leases: the one set, else this process's id and a number unique in it. */
  public String owner() {
    return owner != null ? owner : "pid-" + ProcessHandle.current().pid() + "-" + OWNERS.incrementAndGet();
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be more than zero, got " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "RunOptions{callTimeout=" + callTimeout + ", healthCallTimeout=" + healthCallTimeout + ", healthPollInterval="
        + healthPollInterval.map(Duration::toString).orElse("default") + ", leaseDuration=" + leaseDuration
        + ", owner=" + (owner == null ? "default" : owner) + "}";
  }
}
