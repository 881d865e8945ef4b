package dev.rollingupgrade.api;

/** Provisioning state of an instance or extension (Azure {@code ProvisioningState/<name>}). */
public enum ProvisioningState {
  /** {@code ProvisioningState/creating}. */
  CREATING,
  /** {@code ProvisioningState/updating}. */
  UPDATING,
  /** {@code ProvisioningState/succeeded}. */
  SUCCEEDED,
  /** {@code ProvisioningState/failed}. */
  FAILED,
  /** {@code ProvisioningState/deleting}. */
  DELETING,
  /** Not reported. */
  UNKNOWN
}
