package dev.rollingupgrade.core.run;

import dev.rollingupgrade.core.plan.InstanceSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Instance id to position in the run's table: open addressing over flat arrays of ids, hashes
 * and positions (about 24 bytes per instance against some 60 for a {@code HashMap<String,
 * Integer>}, and a lookup touches no other object when the id is the same String, as it is for
 * ids coming back from the run's own table). A run may hold a million instances and looks an
 * instance up several times per upgrade. Not thread-safe; the run owns it.
 */
final class IdIndex {
  private final String[] keys;
  private final int[] hashes;
  private final int[] positions;
  private final int mask;
  private final int shift;
  private final List<String> duplicates = new ArrayList<>();
  private final int size;

  IdIndex(List<InstanceSnapshot> table) {
    int capacity = Integer.highestOneBit(Math.max(4, table.size() * 2 - 1)) << 1;
    this.keys = new String[capacity];
    this.hashes = new int[capacity];
    this.positions = new int[capacity];
    this.mask = capacity - 1;
    this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
    this.size = table.size();
    for (int i = 0; i < table.size(); i++) {
      String id = table.get(i).instanceId();
      int h = id.hashCode();
      int slot = find(id, h);
      if (keys[slot] != null) {
        duplicates.add(id);
      } else {
        keys[slot] = id;
        hashes[slot] = h;
        positions[slot] = i;
      }
    }
  }

  /** How many positions it was built from. */
  int size() {
    return size;
  }

  /** Ids that appeared more than once (the later ones are not indexed). */
  List<String> duplicates() {
    return duplicates;
  }

  /** The position of {@code id}, or null when the run does not know it. */
  Integer get(String id) {
    int slot = find(id, id.hashCode());
    return keys[slot] == null ? null : positions[slot];
  }

  /** The slot holding {@code id}, or the empty slot where it would go. */
  private int find(String id, int h) {
    int slot = (h * 0x9E3779B9) >>> shift; // Fibonacci hashing: ids like "1", "2", ... spread out
    while (keys[slot] != null && !(hashes[slot] == h && (keys[slot] == id || keys[slot].equals(id)))) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }
}
