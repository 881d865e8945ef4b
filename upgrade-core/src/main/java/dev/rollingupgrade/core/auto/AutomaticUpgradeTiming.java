package dev.rollingupgrade.core.auto;

import java.time.Duration;
import java.util.Objects;

/**
 * When automatic OS upgrades look at the catalog and start rollouts. Azure's defaults: the first
 * rollout of a set within 3 hours of enabling, later ones 30 to 60 minutes after a release. The
 * delay within those bounds is drawn from {@code seed} (per scale set for the first rollout, per
 * release for later ones), so the same inputs give the same times under the virtual clock.
 *
 * @param pollInterval how often the catalog is read; 1 second .. 1 day (default 15 minutes)
 * @param firstRolloutWithin the first rollout after enabling starts within this; 0 .. 7 days (3 hours)
 * @param releaseDelayMin later rollouts start at least this after a release is seen (30 minutes)
 * @param releaseDelayMax ... and at most this (60 minutes); {@code >= releaseDelayMin}, at most 7 days
 * @param catalogRetry first retry after a catalog error, doubling up to {@code pollInterval} (1 minute)
 * @param seed seed of the delays (0)
 */
public record AutomaticUpgradeTiming(Duration pollInterval, Duration firstRolloutWithin, Duration releaseDelayMin,
    Duration releaseDelayMax, Duration catalogRetry, long seed) {
  private static final Duration WEEK = Duration.ofDays(7);

  /** Checks every field, naming it and its allowed range. */
  public AutomaticUpgradeTiming {
    within("pollInterval", pollInterval, Duration.ofSeconds(1), Duration.ofDays(1));
    within("firstRolloutWithin", firstRolloutWithin, Duration.ZERO, WEEK);
    within("releaseDelayMin", releaseDelayMin, Duration.ZERO, WEEK);
    within("releaseDelayMax", releaseDelayMax, releaseDelayMin, WEEK);
    within("catalogRetry", catalogRetry, Duration.ofSeconds(1), pollInterval);
  }

  /** Azure's timing: poll every 15 minutes, first rollout within 3 hours, later ones within 30–60 minutes. */
  public static AutomaticUpgradeTiming defaults() {
    return new AutomaticUpgradeTiming(Duration.ofMinutes(15), Duration.ofHours(3), Duration.ofMinutes(30),
        Duration.ofMinutes(60), Duration.ofMinutes(1), 0);
  }

  /** The same timing with another seed. */
  public AutomaticUpgradeTiming withSeed(long newSeed) {
    return new AutomaticUpgradeTiming(pollInterval, firstRolloutWithin, releaseDelayMin, releaseDelayMax, catalogRetry,
        newSeed);
  }

  private static void within(String field, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, field);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
