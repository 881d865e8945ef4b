package dev.rollingupgrade.core.plan;

import java.util.List;

/**
 * A whole projected plan (dry run): the batches in order, with the numbers they were cut by.
 * It projects from one health snapshot, assuming each upgraded instance comes back healthy; a
 * run cuts every batch again from live health. Immutable.
 *
 * @param instanceCount N, every instance of the scale set
 * @param candidateCount instances the plan upgrades
 * @param alreadyAtTarget instances left alone because they run the target already
 * @param protectedCount instances left alone because they are protected from scale-set actions
 * @param batchCap {@code max(1, floor(N × maxBatchInstancePercent / 100))}
 * @param unhealthyBudget {@code floor(N × maxUnhealthyInstancePercent / 100)}
 * @param batches the batches, in order
 */
public record UpgradePlan(int instanceCount, int candidateCount, int alreadyAtTarget, int protectedCount,
    int batchCap, int unhealthyBudget, List<Batch> batches) {

  /** Copies the batch list. */
  public UpgradePlan {
    batches = List.copyOf(batches);
  }

  /** One line of numbers, e.g. {@code "100 instances, 100 to upgrade, cap 20, unhealthy budget 20, 15 batches"}. */
  public String summary() {
    return instanceCount + " instances, " + candidateCount + " to upgrade"
        + (alreadyAtTarget > 0 ? ", " + alreadyAtTarget + " already at target" : "")
        + (protectedCount > 0 ? ", " + protectedCount + " protected" : "")
        + ", cap " + batchCap + ", unhealthy budget " + unhealthyBudget + ", " + batches.size() + " batches";
  }
}
