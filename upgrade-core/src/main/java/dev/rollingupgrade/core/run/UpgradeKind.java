package dev.rollingupgrade.core.run;

/** What a run changes on each instance. */
public enum UpgradeKind {
  /**
   * Replaces the OS disk with one built from the target image ({@code InstanceDriver.replaceOsDisk});
   * an instance is at the target when it runs that image. Failed instances can be rolled back.
   */
  OS_IMAGE,
  /**
   * Brings the instance to the scale set's latest model ({@code InstanceDriver.applyLatestModel});
   * an instance is at the target when {@code latestModelApplied}. There is no previous model to
   * restore, so failed instances are never rolled back.
   */
  MODEL,
  /**
   * Sets one extension to a new version ({@code InstanceDriver.setExtensionVersion}); an instance
   * is at the target when it reports that version or a later one. A failed instance gets the
   * previous version back.
   */
  EXTENSION
}
