package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.RollingUpgradePolicy;

/**
 * What kind of group of VMs an automatic extension upgrade rolls, and so its batch rules (the
 * seed's availability-first rules "within a set"). The group is described by a scale-set-shaped
 * model: its name is how the driver addresses the group, its extension profile the extensions its
 * VMs share, its instances the VMs the driver lists.
 */
public enum VmGroupKind {
  /** A scale set: Azure's rolling rules, at most 20 % per batch, zones apart, update domains respected. */
  SCALE_SET(RollingUpgradePolicy.defaults()),
  /**
   * An availability set: one update domain at a time, never two at once, and never all its VMs:
   * batches of at most 20 % inside one update domain.
   */
  AVAILABILITY_SET(RollingUpgradePolicy.builder().respectUpdateDomains(true).build()),
  /**
   * Standalone VMs of one subscription and region, outside any availability set: batched best
   * effort so that at most 20 % are in flight; their update domains mean nothing together.
   */
  STANDALONE_VMS(RollingUpgradePolicy.builder().respectUpdateDomains(false).build());

  private final RollingUpgradePolicy policy;

  VmGroupKind(RollingUpgradePolicy policy) {
    this.policy = policy;
  }

  /** The batch rules of an automatic extension upgrade of such a group. */
  public RollingUpgradePolicy policy() {
    return policy;
  }
}
