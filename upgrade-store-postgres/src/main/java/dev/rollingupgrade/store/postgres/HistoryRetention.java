package dev.rollingupgrade.store.postgres;

import java.time.Duration;

/**
 * What the store keeps of a scale set's history, applied in SQL each time a run adds its entry:
 * the newest {@code maxEntries}, none recorded longer than {@code maxAge} ago (database clock).
 */
record HistoryRetention(int maxEntries, Duration maxAge) {
  HistoryRetention {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("the history keeps at least 1 entry per scale set, got " + maxEntries);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("the history's maximum age must be more than zero, got " + maxAge);
    }
  }
}
