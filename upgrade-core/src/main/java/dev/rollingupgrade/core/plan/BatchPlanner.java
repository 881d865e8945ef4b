package dev.rollingupgrade.core.plan;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Cuts batches under the rules of DESIGN §4. Pure and deterministic: the same instances (in any
 * order) and policy always give the same batches.
 *
 * <ul>
 *   <li>Cap: {@code max(1, floor(N × maxBatchInstancePercent / 100))}, N = every instance of the set.
 *   <li>Unhealthy budget {@code floor(N × maxUnhealthyInstancePercent / 100)}: a batch keeps
 *       {@code unhealthy now + healthy instances in the batch <= budget} (an unhealthy instance
 *       costs nothing), but holds at least one instance.
 *   <li>Groups: one per (zone, update domain); zones merge with {@code enableCrossZoneUpgrade},
 *       update domains merge without {@code respectUpdateDomains}. Groups go one after another:
 *       regional first, then zones in natural order; update domains ascending.
 *   <li>Within a group: unhealthy first if {@code prioritizeUnhealthyInstances}, then zone, update
 *       domain and instance id in natural order; the fewest batches the cap and budget allow,
 *       balanced (sizes differ by at most one).
 *   <li>Instances already at the target or protected from scale-set actions are never planned.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class BatchPlanner {
  private static final long NOT_NUMERIC = -1;

  private final RollingUpgradePolicy policy;

  private BatchPlanner(RollingUpgradePolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** A planner for {@code policy}. */
  public static BatchPlanner of(RollingUpgradePolicy policy) {
    return new BatchPlanner(policy);
  }

  /** The policy this planner follows. */
  public RollingUpgradePolicy policy() {
    return policy;
  }

  /** {@code max(1, floor(n × maxBatchInstancePercent / 100))}. */
  public static int batchCap(int n, RollingUpgradePolicy policy) {
    return (int) Math.max(1, (long) n * policy.maxBatchInstancePercent() / 100);
  }

  /** {@code floor(n × maxUnhealthyInstancePercent / 100)}: most instances allowed unavailable at once. */
  public static int unhealthyBudget(int n, RollingUpgradePolicy policy) {
    return (int) ((long) n * policy.maxUnhealthyInstancePercent() / 100);
  }

  /**
   * The whole plan from one health snapshot of every instance of the set (N = {@code fleet.size()}),
   * assuming each upgraded instance comes back healthy.
   *
   * @throws IllegalArgumentException if an instance id appears twice (it would be upgraded twice)
   */
  public UpgradePlan plan(Collection<InstanceSnapshot> fleet) {
    java.util.Set<String> ids = new java.util.HashSet<>(); // lookups only
    for (InstanceSnapshot s : fleet) {
      if (!ids.add(s.instanceId())) {
        throw new IllegalArgumentException("instance " + s.instanceId() + " is listed twice: each instance once");
      }
    }
    Scan scan = scan(fleet);
    PlanCursor cursor = new PlanCursor(this, groups(scan), fleet.size());
    int unhealthyNow = scan.unhealthy;
    List<Batch> batches = new ArrayList<>();
    for (Optional<Batch> next = cursor.next(unhealthyNow, InstanceSnapshot::isUnhealthy, 1); next.isPresent();
        next = cursor.next(unhealthyNow, InstanceSnapshot::isUnhealthy, batches.size() + 1)) {
      batches.add(next.get());
      unhealthyNow -= next.get().unhealthyInBatch(); // projected: upgraded instances come back healthy
    }
    return new UpgradePlan(fleet.size(), scan.candidates.size(), scan.atTarget, scan.protectedCount,
        cursor.batchCap(), cursor.unhealthyBudget(), batches);
  }

  /**
   * The batch to start now, cut from live health, or empty when no candidate is left.
   *
   * @param fleet every instance of the set now; instances this run already handled must be marked
   *     as not needing the upgrade
   * @param instanceCount N, the instance count when the run started
   * @param number the batch's number in the run, from 1
   */
  public Optional<Batch> nextBatch(Collection<InstanceSnapshot> fleet, int instanceCount, int number) {
    Scan scan = scan(fleet);
    return new PlanCursor(this, groups(scan), instanceCount).next(scan.unhealthy, InstanceSnapshot::isUnhealthy, number);
  }

  /**
   * A cursor over the plan of {@code fleet} (N = {@code fleet.size()}): the groups and the order of
   * instances within them are fixed now, and each batch is cut when asked, from the health then.
   * This is how a run plans: sorting once, cutting from live health at every batch boundary.
   */
  public PlanCursor cursor(Collection<InstanceSnapshot> fleet) {
    return new PlanCursor(this, groups(scan(fleet)), fleet.size());
  }

  /**
   * What one pass over the fleet learns, candidates' sort inputs included: on large fleets every
   * pass over the instances costs cache misses, so there is one, and the sort never goes back to
   * the instance objects.
   */
  private static final class Scan {
    private final List<InstanceSnapshot> candidates = new ArrayList<>();
    private final List<String> zones = new ArrayList<>(); // distinct zones, in order of appearance
    private int[] zoneSlot = new int[16]; // per candidate: index into zones + 1, 0 = regional
    private long[] numericIds = new long[16]; // per candidate: the id as a number, or NOT_NUMERIC
    private boolean allNumeric = true;
    private int unhealthy;
    private int atTarget;
    private int protectedCount;

    /** Index + 1 of {@code zone} in {@link #zones}; the same String object as a recent one is found by identity. */
    int slotOf(String zone) {
      for (int z = zones.size() - 1; z >= 0; z--) {
        if (zones.get(z) == zone) {
          return z + 1;
        }
      }
      int known = zones.indexOf(zone);
      if (known >= 0) {
        return known + 1;
      }
      zones.add(zone);
      return zones.size();
    }

    void addCandidate(InstanceSnapshot s, int slot) {
      int i = candidates.size();
      if (i == zoneSlot.length) {
        zoneSlot = Arrays.copyOf(zoneSlot, i * 2);
        numericIds = Arrays.copyOf(numericIds, i * 2);
      }
      zoneSlot[i] = slot;
      long id = numericId(s.instanceId());
      numericIds[i] = id;
      allNumeric &= id != NOT_NUMERIC;
      candidates.add(s);
    }
  }

  private static Scan scan(Collection<InstanceSnapshot> fleet) {
    Scan scan = new Scan();
    for (InstanceSnapshot s : fleet) {
      scan.unhealthy += s.isUnhealthy() ? 1 : 0;
      int slot = s.zone().isEmpty() ? 0 : scan.slotOf(s.zone().get());
      if (!s.needsUpgrade()) {
        scan.atTarget++;
      } else if (s.protectedFromScaleSetActions()) {
        scan.protectedCount++;
      } else {
        scan.addCandidate(s, slot);
      }
    }
    return scan;
  }

  /**
   * Cuts one batch from {@code group} at {@code pos}: as large as cap and budget allow, then balanced.
   *
   * @param unhealthy the health to cut by (live in a run, the snapshot in a projection)
   */
  Batch cut(List<InstanceSnapshot> group, int pos, int number, int cap, int budget, int unhealthyNow,
      Predicate<InstanceSnapshot> unhealthy) {
    int remaining = group.size() - pos;
    int limit = Math.min(cap, remaining);
    int allowedHealthy = budget - unhealthyNow;
    int feasible = 0;
    int healthy = 0;
    while (feasible < limit) {
      if (!unhealthy.test(group.get(pos + feasible))) {
        if (healthy >= allowedHealthy) {
          break;
        }
        healthy++;
      }
      feasible++;
    }
    boolean shrunk = feasible < limit;
    int largest = Math.max(1, feasible); // a batch holds at least one instance, whatever the budget
    int batchesLeft = ceilDiv(remaining, largest);
    int size = ceilDiv(remaining, batchesLeft);
    List<InstanceSnapshot> members = group.subList(pos, pos + size);
    List<String> ids = new ArrayList<>(size);
    int unhealthyInBatch = 0;
    for (InstanceSnapshot s : members) {
      ids.add(s.instanceId());
      unhealthyInBatch += unhealthy.test(s) ? 1 : 0;
    }
    InstanceSnapshot first = members.get(0);
    Optional<String> zone = policy.enableCrossZoneUpgrade() ? Optional.empty() : first.zone();
    OptionalInt ud = policy.respectUpdateDomains() ? OptionalInt.of(first.updateDomain()) : OptionalInt.empty();
    StringBuilder reason = new StringBuilder()
        .append(scope(first)).append(", ").append(size).append(" of ").append(remaining).append(" instances, cap ").append(cap);
    if (batchesLeft > 1) {
      reason.append(", split into ").append(batchesLeft).append(" balanced batches");
    }
    if (shrunk) {
      reason.append(", shrunk to ").append(size).append(": ").append(unhealthyNow).append(" of ")
          .append(budget).append(" allowed unhealthy already unhealthy");
      if (feasible == 0) {
        reason.append(" (a batch holds at least one instance)");
      }
    }
    if (policy.prioritizeUnhealthyInstances() && unhealthyInBatch > 0) {
      reason.append(", ").append(unhealthyInBatch).append(" unhealthy first");
    }
    return new Batch(number, ids, zone, ud, unhealthyInBatch, reason.toString());
  }

  private String scope(InstanceSnapshot s) {
    String zone = policy.enableCrossZoneUpgrade() ? "all zones" : s.zone().map(z -> "zone " + z).orElse("regional");
    String ud = policy.respectUpdateDomains() ? "UD " + s.updateDomain() : "all UDs";
    return zone + ", " + ud;
  }

  /** The candidates in groups, in plan order, each group sorted in upgrade order. */
  private List<List<InstanceSnapshot>> groups(Scan scan) {
    // zone ranks: regional first (0), then zones in natural order
    List<String> ordered = new ArrayList<>(scan.zones);
    ordered.sort(NaturalOrder.INSTANCE);
    int[] rankOfSlot = new int[scan.zones.size() + 1];
    for (int z = 0; z < scan.zones.size(); z++) {
      rankOfSlot[z + 1] = 1 + ordered.indexOf(scan.zones.get(z));
    }
    int n = scan.candidates.size();
    int[] zoneRanks = new int[n];
    for (int i = 0; i < n; i++) {
      zoneRanks[i] = rankOfSlot[scan.zoneSlot[i]];
    }
    List<List<InstanceSnapshot>> packed = scan.allNumeric
        ? groupsByPackedKeys(scan.candidates, zoneRanks, scan.numericIds, scan.zones.size()) : null;
    return packed != null ? packed : groupsByComparison(scan.candidates, zoneRanks);
  }

  /**
   * Groups and sorts in one primitive sort: each candidate becomes one {@code long} holding its
   * group (zone and/or update domain), its order within the group and its index. Several times
   * faster than comparing objects on large fleets; returns null when the key does not fit in 63 bits.
   */
  private List<List<InstanceSnapshot>> groupsByPackedKeys(List<InstanceSnapshot> candidates, int[] zoneRanks,
      long[] ids, int zoneCount) {
    int n = candidates.size();
    int maxUd = 0;
    long maxId = 0;
    for (int i = 0; i < n; i++) {
      maxUd = Math.max(maxUd, candidates.get(i).updateDomain());
      maxId = Math.max(maxId, ids[i]);
    }
    boolean crossZone = policy.enableCrossZoneUpgrade();
    boolean respectUd = policy.respectUpdateDomains();
    int prioBits = policy.prioritizeUnhealthyInstances() ? 1 : 0;
    int zoneBits = bits(zoneCount);
    int udBits = bits(maxUd);
    int idBits = bits(maxId);
    int indexBits = bits(n - 1);
    int keyBits = zoneBits + udBits + prioBits + idBits + indexBits;
    if (keyBits > 63) {
      return null;
    }
    // most significant first: the group's zone and UD, unhealthy-first, the rest of zone and UD, id, index
    int inGroupBits = prioBits + (crossZone ? zoneBits : 0) + (respectUd ? 0 : udBits) + idBits + indexBits;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      InstanceSnapshot s = candidates.get(i);
      int ud = s.updateDomain();
      long key = crossZone ? 0 : zoneRanks[i];
      key = respectUd ? (key << udBits) | ud : key;
      key = (key << prioBits) | (prioBits == 1 && !s.isUnhealthy() ? 1 : 0);
      key = crossZone ? (key << zoneBits) | zoneRanks[i] : key;
      key = respectUd ? key : (key << udBits) | ud;
      key = (key << idBits) | ids[i];
      keys[i] = (key << indexBits) | i;
    }
    if (keys.length >= RADIX_THRESHOLD) {
      radixSort(keys, keyBits); // linear: a million keys sort in a few passes
    } else {
      Arrays.sort(keys);
    }
    long indexMask = (1L << indexBits) - 1;
    List<List<InstanceSnapshot>> groups = new ArrayList<>();
    List<InstanceSnapshot> current = null;
    long currentGroup = -1;
    for (long key : keys) {
      long group = key >>> inGroupBits;
      if (current == null || group != currentGroup) {
        current = new ArrayList<>();
        groups.add(current);
        currentGroup = group;
      }
      current.add(candidates.get((int) (key & indexMask)));
    }
    return groups;
  }

  /** The general path: groups in a sorted map, each sorted by comparing instances. */
  private List<List<InstanceSnapshot>> groupsByComparison(List<InstanceSnapshot> candidates, int[] zoneRanks) {
    TreeMap<Long, List<Ranked>> byGroup = new TreeMap<>();
    for (int i = 0; i < zoneRanks.length; i++) {
      Ranked r = new Ranked(candidates.get(i), zoneRanks[i]);
      long groupZone = policy.enableCrossZoneUpgrade() ? 0 : r.zoneRank;
      long groupUd = policy.respectUpdateDomains() ? r.snapshot.updateDomain() : 0;
      byGroup.computeIfAbsent((groupZone << 32) | groupUd, k -> new ArrayList<>()).add(r);
    }
    Comparator<Ranked> order = policy.prioritizeUnhealthyInstances()
        ? Comparator.comparing((Ranked r) -> !r.snapshot.isUnhealthy()).thenComparing(Ranked::compareTo)
        : Ranked::compareTo;
    List<List<InstanceSnapshot>> groups = new ArrayList<>(byGroup.size());
    for (List<Ranked> group : byGroup.values()) {
      group.sort(order);
      List<InstanceSnapshot> sorted = new ArrayList<>(group.size());
      group.forEach(r -> sorted.add(r.snapshot));
      groups.add(sorted);
    }
    return groups;
  }

  /** The id as a number when it is plain digits without leading zeros (Azure's ids), else NOT_NUMERIC. */
  private static long numericId(String id) {
    int length = id.length();
    if (length == 0 || length > 18 || (length > 1 && id.charAt(0) == '0')) {
      return NOT_NUMERIC;
    }
    long value = 0;
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return NOT_NUMERIC;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Below this many keys a comparison sort is as quick. */
  private static final int RADIX_THRESHOLD = 1 << 16;

  /** Least-significant-digit radix sort of non-negative keys of {@code bits} bits, 11 bits a pass. */
  private static void radixSort(long[] keys, int bits) {
    long[] from = keys;
    long[] to = new long[keys.length];
    int[] counts = new int[1 << 11];
    for (int shift = 0; shift < bits; shift += 11) {
      Arrays.fill(counts, 0);
      for (long k : from) {
        counts[(int) ((k >>> shift) & 0x7ff)]++;
      }
      int sum = 0;
      for (int d = 0; d < counts.length; d++) {
        int c = counts[d];
        counts[d] = sum;
        sum += c;
      }
      for (long k : from) {
        to[counts[(int) ((k >>> shift) & 0x7ff)]++] = k;
      }
      long[] swap = from;
      from = to;
      to = swap;
    }
    if (from != keys) {
      System.arraycopy(from, 0, keys, 0, keys.length);
    }
  }

  /** Bits needed to hold {@code max} (at least 0). */
  private static int bits(long max) {
    return 64 - Long.numberOfLeadingZeros(Math.max(0, max));
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** A candidate with the keys it is sorted by, computed once. */
  private static final class Ranked implements Comparable<Ranked> {
    private final InstanceSnapshot snapshot;
    private final int zoneRank;
    private final long numericId;

    Ranked(InstanceSnapshot snapshot, int zoneRank) {
      this.snapshot = snapshot;
      this.zoneRank = zoneRank;
      this.numericId = numericId(snapshot.instanceId());
    }

    /** Zone, update domain, then instance id in natural order. */
    @Override
    public int compareTo(Ranked o) {
      int c = Integer.compare(zoneRank, o.zoneRank);
      if (c != 0) {
        return c;
      }
      c = Integer.compare(snapshot.updateDomain(), o.snapshot.updateDomain());
      if (c != 0) {
        return c;
      }
      if (numericId != NOT_NUMERIC && o.numericId != NOT_NUMERIC) {
        return Long.compare(numericId, o.numericId); // same answer as NaturalOrder, faster
      }
      return NaturalOrder.INSTANCE.compare(snapshot.instanceId(), o.snapshot.instanceId());
    }

  }
}
