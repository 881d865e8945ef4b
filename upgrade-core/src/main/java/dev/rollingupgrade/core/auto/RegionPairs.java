package dev.rollingupgrade.core.auto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Geo pairs of regions: two regions Azure never updates at once, so a rollout never puts them
 * in one phase. Each region has at most one partner; pairing is symmetric. Region names are
 * compared ignoring case (as Azure does) and reported in lower case. Immutable and thread-safe.
 */
public final class RegionPairs {
  private static final RegionPairs NONE = new RegionPairs(new TreeMap<>());

  /**
   * Well-known symmetric Azure pairs. Left out on purpose: regions whose pair is not mutual
   * (westus3 to eastus, brazilsouth to southcentralus, westindia to southindia), since a region
   * here has one partner, and sovereign clouds.
   */
  private static final String[][] AZURE = {
      {"eastus", "westus"},
      {"eastus2", "centralus"},
      {"northcentralus", "southcentralus"},
      {"westus2", "westcentralus"},
      {"canadacentral", "canadaeast"},
      {"northeurope", "westeurope"},
      {"uksouth", "ukwest"},
      {"francecentral", "francesouth"},
      {"germanywestcentral", "germanynorth"},
      {"switzerlandnorth", "switzerlandwest"},
      {"norwayeast", "norwaywest"},
      {"swedencentral", "swedensouth"},
      {"japaneast", "japanwest"},
      {"koreacentral", "koreasouth"},
      {"southeastasia", "eastasia"},
      {"australiaeast", "australiasoutheast"},
      {"australiacentral", "australiacentral2"},
      {"centralindia", "southindia"},
      {"southafricanorth", "southafricawest"},
      {"uaenorth", "uaecentral"},
  };

  private final TreeMap<String, String> partners; // both directions, lower case

  private RegionPairs(TreeMap<String, String> partners) {
    this.partners = partners;
  }

  /** No pairs: every region may share a phase with any other. */
  public static RegionPairs none() {
    return NONE;
  }

  /**
   * The given pairs. Each entry pairs its key with its value; a pair may be listed once or in
   * both directions.
   *
   * @throws IllegalArgumentException when the map or a region is null or blank, a region is
   *     paired with itself, or a region is paired with two different regions
   */
  public static RegionPairs of(Map<String, String> pairs) {
    if (pairs == null) {
      throw new IllegalArgumentException("pairs: must not be null");
    }
    List<String[]> sorted = new ArrayList<>();
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      sorted.add(new String[] {normalize(e.getKey()), normalize(e.getValue())});
    }
    // sorted, so that a conflict is reported the same way whatever the map's iteration order
    sorted.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    RegionPairs result = NONE;
    for (String[] pair : sorted) {
      result = result.with(pair[0], pair[1]);
    }
    return result;
  }

  /**
   * A table of well-known, mutual Azure region pairs in the public cloud, e.g. eastus/westus,
   * eastus2/centralus, northeurope/westeurope, uksouth/ukwest, japaneast/japanwest,
   * southeastasia/eastasia, australiaeast/australiasoutheast. Regions whose Azure pair is not
   * mutual (westus3, brazilsouth, westindia) are not in it; add them with {@link #with} where
   * that does not clash.
   */
  public static RegionPairs azure() {
    RegionPairs result = NONE;
    for (String[] pair : AZURE) {
      result = result.with(pair[0], pair[1]);
    }
    return result;
  }

  /**
   * These pairs and {@code a} paired with {@code b}; the same pair again changes nothing.
   *
   * @throws IllegalArgumentException when a region is null or blank, {@code a} equals {@code b},
   *     or either already has another partner
   */
  public RegionPairs with(String a, String b) {
    String x = normalize(a);
    String y = normalize(b);
    if (x.equals(y)) {
      throw new IllegalArgumentException("region pair: region " + x + " cannot be paired with itself");
    }
    if (y.equals(partners.get(x))) {
      return this;
    }
    for (String[] r : new String[][] {{x, y}, {y, x}}) {
      String other = partners.get(r[0]);
      if (other != null) {
        throw new IllegalArgumentException("region pair: region " + r[0] + " is paired twice: with " + other
            + " and with " + r[1]);
      }
    }
    TreeMap<String, String> next = new TreeMap<>(partners);
    next.put(x, y);
    next.put(y, x);
    return new RegionPairs(next);
  }

  /** The partner of {@code region} (any case), in lower case, or empty when it has none. */
  public Optional<String> partnerOf(String region) {
    return region == null ? Optional.empty() : Optional.ofNullable(partners.get(region.toLowerCase(Locale.ROOT)));
  }

  /** Every region with a partner, mapped to it, both directions, sorted by region. */
  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(partners);
  }

  /** How many pairs there are. */
  public int size() {
    return partners.size() / 2;
  }

  private static String normalize(String region) {
    return RolloutMember.notBlank("region", region).toLowerCase(Locale.ROOT);
  }

  /** Equal when they pair the same regions. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RegionPairs && ((RegionPairs) o).partners.equals(partners);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partners);
  }

  /** The pairs, e.g. {@code RegionPairs[eastus/westus, eastus2/centralus]}, each once. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("RegionPairs[");
    partners.forEach((region, partner) -> {
      if (region.compareTo(partner) < 0) {
        s.append(s.length() > 12 ? ", " : "").append(region).append('/').append(partner);
      }
    });
    return s.append(']').toString();
  }
}
