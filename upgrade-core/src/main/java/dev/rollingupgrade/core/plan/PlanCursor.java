package dev.rollingupgrade.core.plan;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Walks a plan batch by batch. The groups and the order within them were fixed when the cursor
 * was made ({@link BatchPlanner#cursor}); each call to {@link #next} cuts the next batch from the
 * health it is given, so a batch shrinks when instances elsewhere went unhealthy. Not
 * thread-safe: one run owns it.
 */
public final class PlanCursor {
  private final BatchPlanner planner;
  private final List<List<InstanceSnapshot>> groups;
  private final int batchCap;
  private final int unhealthyBudget;
  private int group;
  private int pos;

  PlanCursor(BatchPlanner planner, List<List<InstanceSnapshot>> groups, int instanceCount) {
    this.planner = planner;
    this.groups = groups;
    this.batchCap = BatchPlanner.batchCap(instanceCount, planner.policy());
    this.unhealthyBudget = BatchPlanner.unhealthyBudget(instanceCount, planner.policy());
  }

  /**
   * The next batch, or empty when every candidate has been in one.
   *
   * @param unhealthyNow instances of the whole set unhealthy now
   * @param unhealthy whether an instance is unhealthy now
   * @param number the batch's number, from 1
   */
  public Optional<Batch> next(int unhealthyNow, Predicate<InstanceSnapshot> unhealthy, int number) {
    while (group < groups.size() && pos >= groups.get(group).size()) {
      group++;
      pos = 0;
    }
    if (group >= groups.size()) {
      return Optional.empty();
    }
    Batch batch = planner.cut(groups.get(group), pos, number, batchCap, unhealthyBudget, unhealthyNow, unhealthy);
    pos += batch.size();
    return Optional.of(batch);
  }

  /** The batch {@link #next} would cut now, without moving past it. */
  public Optional<Batch> peek(int unhealthyNow, Predicate<InstanceSnapshot> unhealthy, int number) {
    int g = group;
    int p = pos;
    Optional<Batch> batch = next(unhealthyNow, unhealthy, number);
    group = g;
    pos = p;
    return batch;
  }

  /**
   * Moves past {@code count} instances without cutting a batch: how a resumed run catches up with
   * the batches its journal says were started.
   */
  public void skip(int count) {
    int left = count;
    while (left > 0 && group < groups.size()) {
      int inGroup = groups.get(group).size() - pos;
      if (left < inGroup) {
        pos += left;
        return;
      }
      left -= inGroup;
      group++;
      pos = 0;
    }
  }

  /** Instances not yet in a batch. */
  public int remaining() {
    int left = 0;
    for (int g = group; g < groups.size(); g++) {
      left += groups.get(g).size() - (g == group ? pos : 0);
    }
    return left;
  }

  /** The batch cap of this plan. */
  public int batchCap() {
    return batchCap;
  }

  /** The unhealthy budget of this plan. */
  public int unhealthyBudget() {
    return unhealthyBudget;
  }
}
