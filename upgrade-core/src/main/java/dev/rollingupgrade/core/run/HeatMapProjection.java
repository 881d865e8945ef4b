package dev.rollingupgrade.core.run;

import dev.rollingupgrade.core.plan.InstanceSnapshot;
import dev.rollingupgrade.core.plan.NaturalOrder;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A run's {@link HeatMap}: the cells' states are copied under the run's lock in one pass over
 * arrays (a consistent snapshot that holds the lock for microseconds); the map is built outside
 * it. The order of the cells (by update domain, then natural id) is sorted once per list of
 * instances and kept, so a dashboard asking every second pays one pass, not a sort. Thread-safe.
 */
final class HeatMapProjection {
  private volatile Layout layout;

  /** The heat map of {@code run} now. */
  HeatMap heatMap(RunEngine run) {
    Captured c = run.executor.read(() -> capture(run.state, run.now()));
    Layout l = layout;
    if (l == null || l.table != c.table) {
      l = new Layout(c.table);
      layout = l;
    }
    List<HeatMap.Cell> cells = new ArrayList<>(c.table.size());
    for (int i : l.order) {
      InstanceSnapshot s = c.table.get(i);
      cells.add(new HeatMap.Cell(s.instanceId(), s.zone(), s.updateDomain(), c.states[i], c.batches[i]));
    }
    return HeatMap.of(run.name, run.runId, c.time, cells);
  }

  /** Under the run's lock. */
  private static Captured capture(RunState s, Instant now) {
    int n = s.table.size();
    CellState[] states = new CellState[n];
    int[] batches = new int[n];
    for (int i = 0; i < n; i++) {
      states[i] = state(s, i);
      batches[i] = i < s.batchOf.length ? s.batchOf[i] : 0;
    }
    return new Captured(s.table, states, batches, now);
  }

  /** What instance {@code i} shows: the run's progress, whether its upgrade call returned, its undo. */
  private static CellState state(RunState s, int i) {
    return switch (s.progress[i]) {
      // not a candidate: at the target, or protected (out of date, and left so)
      case NOT_CANDIDATE -> s.table.get(i).needsUpgrade() ? CellState.OUT_OF_DATE : CellState.CURRENT;
      case PENDING -> CellState.OUT_OF_DATE;
      case IN_FLIGHT -> s.healthWait.get(i) ? CellState.WAITING_FOR_HEALTH : CellState.UPGRADING;
      case SUCCEEDED -> CellState.HEALTHY;
      case FAILED -> s.undo[i] == RunState.Undo.DONE ? CellState.ROLLED_BACK : CellState.FAILED;
    };
  }

  private record Captured(List<InstanceSnapshot> table, CellState[] states, int[] batches, Instant time) {}

  /** The heat map order of one list of instances (the list never changes once made: identity is its key). */
  private static final class Layout {
    final List<InstanceSnapshot> table;
    final int[] order;

    Layout(List<InstanceSnapshot> table) {
      this.table = table;
      Integer[] boxed = new Integer[table.size()];
      Arrays.setAll(boxed, i -> i);
      Arrays.sort(boxed, Comparator.<Integer>comparingInt(i -> table.get(i).updateDomain())
          .thenComparing(i -> table.get(i).instanceId(), NaturalOrder.INSTANCE));
      this.order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }
  }
}
