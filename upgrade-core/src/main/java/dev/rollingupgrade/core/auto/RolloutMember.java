package dev.rollingupgrade.core.auto;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One scale set taking part in a rollout: where it is and how large it is. Immutable.
 *
 * @param scaleSetName the scale set's name, unique within a rollout
 * @param region the Azure location name, e.g. {@code eastus}; Azure compares location names
 *     ignoring case, so it is kept in lower case
 * @param zones the availability zones the set spans, each named once; empty for a regional set
 * @param instanceCount the set's instances, 0 or more (orders the regions: smallest first)
 */
public record RolloutMember(String scaleSetName, String region, List<String> zones, int instanceCount) {

  /**
   * Checks and copies the components.
   *
   * @throws IllegalArgumentException naming the field and value when a name is null or blank, a
   *     zone is null, blank or named twice, or {@code instanceCount} is negative
   */
  public RolloutMember {
    scaleSetName = notBlank("scaleSetName", scaleSetName);
    region = notBlank("region", region).toLowerCase(Locale.ROOT);
    if (zones == null) {
      throw new IllegalArgumentException("zones: must not be null (scale set " + scaleSetName + "), use an empty list");
    }
    Set<String> seen = new HashSet<>();
    for (String zone : zones) { // checked before List.copyOf, which would reject a null zone with an NPE
      notBlank("zones", zone);
      if (!seen.add(zone)) {
        throw new IllegalArgumentException("zones: zone \"" + zone + "\" is named twice in " + zones
            + " (scale set " + scaleSetName + ")");
      }
    }
    zones = List.copyOf(zones);
    if (instanceCount < 0) {
      throw new IllegalArgumentException("instanceCount: must be 0 or more (got " + instanceCount
          + " for scale set " + scaleSetName + ")");
    }
  }

  /** A regional scale set (no zones). */
  public static RolloutMember regional(String scaleSetName, String region, int instanceCount) {
    return new RolloutMember(scaleSetName, region, List.of(), instanceCount);
  }

  /** A scale set in the given zones (none: regional). */
  public static RolloutMember zonal(String scaleSetName, String region, int instanceCount, String... zones) {
    return new RolloutMember(scaleSetName, region, zones == null ? null : Arrays.asList(zones), instanceCount);
  }

  static String notBlank(String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": must not be null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + ": must not be blank (got \"" + value + "\")");
    }
    return value;
  }
}
