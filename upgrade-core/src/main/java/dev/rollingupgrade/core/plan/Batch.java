package dev.rollingupgrade.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One batch of a plan: the instances upgraded together, where they are, and why the batch is
 * cut where it is. Immutable.
 *
 * @param number position in the plan, from 1
 * @param instanceIds the instances, in upgrade order
 * @param zone the zone of every instance, or empty when regional or cross-zone
 * @param updateDomain the update domain of every instance, or empty when update domains are not respected
 * @param unhealthyInBatch how many of the instances are unhealthy now (they cost no budget)
 * @param reason why the batch is cut here, e.g. {@code "zone 2, UD 3: 7 of 7 instances, cap 20"}
 */
public record Batch(int number, List<String> instanceIds, Optional<String> zone, OptionalInt updateDomain,
    int unhealthyInBatch, String reason) {

  /** Copies the id list and checks the components. */
  public Batch {
    instanceIds = List.copyOf(instanceIds);
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(updateDomain, "updateDomain");
    Objects.requireNonNull(reason, "reason");
    if (instanceIds.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one instance");
    }
  }

  /** Number of instances in the batch. */
  public int size() {
    return instanceIds.size();
  }
}
