package dev.rollingupgrade.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One batch a run actually ran: who was in it, when it started and ended, and why it was cut
 * where it was. Immutable.
 *
 * @param number from 1
 * @param instanceIds the members, in the order they were upgraded
 * @param start when the batch started
 * @param end when every verdict and rollback of the batch was in; empty while it runs
 * @param reason why the planner cut it there, e.g. {@code zone 1, UD 0, 7 of 7 instances, cap 20}
 */
public record BatchRun(int number, List<String> instanceIds, Instant start, Optional<Instant> end, String reason) {
  /** Checks and copies the fields. */
  public BatchRun {
    instanceIds = List.copyOf(instanceIds);
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(reason, "reason");
  }
}
