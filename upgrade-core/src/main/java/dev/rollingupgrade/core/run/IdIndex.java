package dev.rollingupgrade.core.run;

import dev.rollingupgrade.core.plan.InstanceSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Instance id to position in the run's table: an open-addressing hash of ints into the table
 * itself (8 bytes per instance, against some 60 for a {@code HashMap<String, Integer>} — a run
 * may hold a million instances). Not thread-safe; the run owns it.
 */
final class IdIndex {
  private final List<InstanceSnapshot> table;
  private final int[] slots; // position + 1; 0 = empty
  private final int mask;
  private final List<String> duplicates = new ArrayList<>();

  IdIndex(List<InstanceSnapshot> table) {
    this.table = table;
    int capacity = Integer.highestOneBit(Math.max(4, table.size() * 2 - 1)) << 1;
    this.slots = new int[capacity];
    this.mask = capacity - 1;
    for (int i = 0; i < table.size(); i++) {
      String id = table.get(i).instanceId();
      int slot = find(id);
      if (slots[slot] != 0) {
        duplicates.add(id);
      } else {
        slots[slot] = i + 1;
      }
    }
  }

  /** Ids that appeared more than once (the later ones are not indexed). */
  List<String> duplicates() {
    return duplicates;
  }

  /** The position of {@code id}, or null when the run does not know it. */
  Integer get(String id) {
    int at = slots[find(id)];
    return at == 0 ? null : at - 1;
  }

  /** The slot holding {@code id}, or the empty slot where it would go. */
  private int find(String id) {
    int slot = spread(id.hashCode()) & mask;
    while (slots[slot] != 0 && !table.get(slots[slot] - 1).instanceId().equals(id)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }
}
