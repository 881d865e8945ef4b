package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scale set's OS upgrade history as Azure's {@code osUpgradeHistory} shows it: newest first,
 * at most the last {@code maxEntries} runs (default 5) that ended within {@code maxAge} (default
 * 60 days) of now. Reads the {@link RolloutStore}; the store keeps everything. Thread-safe.
 */
public final class UpgradeHistory {
  /** Azure's retention: the last 5 runs. */
  public static final int DEFAULT_MAX_ENTRIES = 5;
  /** Azure's retention: the past 2 months, taken as 60 days. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(60);

  private final RolloutStore store;
  private final Scheduler clock;
  private final int maxEntries;
  private final Duration maxAge;

  private UpgradeHistory(RolloutStore store, Scheduler clock, int maxEntries, Duration maxAge) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be 1 or more, got " + maxEntries);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be more than zero, got " + maxAge);
    }
    this.maxEntries = maxEntries;
    this.maxAge = maxAge;
  }

  /**
   * The key under which the store keeps the history of extension {@code extension}'s upgrades on
   * scale set {@code scaleSet} (its OS upgrades are under the set's name).
   */
  public static String extensionKey(String scaleSet, String extension) {
    return scaleSet + "/extensions/" + extension;
  }

  /** History with Azure's retention (last 5 runs of the past 60 days). */
  public static UpgradeHistory of(RolloutStore store, Scheduler clock) {
    return new UpgradeHistory(store, clock, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_AGE);
  }

  /** History keeping at most {@code maxEntries} runs that ended within {@code maxAge}. */
  public static UpgradeHistory of(RolloutStore store, Scheduler clock, int maxEntries, Duration maxAge) {
    return new UpgradeHistory(store, clock, maxEntries, maxAge);
  }

  /** The retained runs of {@code scaleSetName}, newest first. */
  public List<UpgradeHistoryEntry> entries(String scaleSetName) {
    Instant oldest = clock.now().minus(maxAge);
    List<UpgradeHistoryEntry> kept = new ArrayList<>();
    for (UpgradeHistoryEntry entry : store.history(scaleSetName)) {
      Instant end = entry.runningStatus().flatMap(r -> r.endTime()).orElse(Instant.MAX);
      if (!end.isBefore(oldest)) {
        kept.add(entry);
        if (kept.size() == maxEntries) {
          break;
        }
      }
    }
    return kept;
  }
}
