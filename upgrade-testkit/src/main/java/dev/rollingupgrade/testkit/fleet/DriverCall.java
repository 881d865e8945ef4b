package dev.rollingupgrade.testkit.fleet;

import java.time.Instant;

/**
 * One call the fake fleet received: driver, health signal, image or extension catalog.
 *
 * @param time virtual time of the call
 * @param kind what was asked
 * @param instanceId the instance, or empty for fleet-wide calls
 * @param detail e.g. the target image
 * @param rejected whether the call threw instead of starting anything (it changed nothing)
 */
public record DriverCall(Instant time, Kind kind, String instanceId, String detail, boolean rejected) {

  /** The driver operations. */
  public enum Kind {
    /** {@code listInstances}. */
    LIST_INSTANCES(false),
    /** {@code getInstance}. */
    GET_INSTANCE(false),
    /** {@code replaceOsDisk}. */
    REPLACE_OS_DISK(true),
    /** {@code restorePreviousOsDisk}. */
    RESTORE_OS_DISK(true),
    /** {@code setExtensionVersion}. */
    SET_EXTENSION_VERSION(true),
    /** {@code applyLatestModel}. */
    APPLY_LATEST_MODEL(true),
    /** {@code whenSettled}. */
    WHEN_SETTLED(false),
    /** {@code HealthSignal.health}. */
    HEALTH(false),
    /** {@code HealthSignal.subscribe}. */
    SUBSCRIBE(false),
    /** {@code ImageCatalog.platformImageVersions}. */
    PLATFORM_IMAGE_VERSIONS(false),
    /** {@code ImageCatalog.galleryImageVersions}. */
    GALLERY_IMAGE_VERSIONS(false),
    /** {@code ExtensionCatalog.versions}. */
    EXTENSION_VERSIONS(false),
    /** {@code ModelStore.get}. */
    GET_MODEL(false),
    /** {@code ModelStore.put}: it changes the model, not an instance (they only go out of date). */
    PUT_MODEL(false);

    private final boolean changesState;

    Kind(boolean changesState) {
      this.changesState = changesState;
    }

    /** Whether the call changes an instance (reads do not). */
    public boolean changesState() {
      return changesState;
    }
  }

  /** Whether the call changed an instance: a state-changing kind that was not rejected. */
  public boolean changedState() {
    return kind.changesState() && !rejected;
  }

  /** One line: {@code <time> <kind> <instance> <detail>}. */
  @Override
  public String toString() {
    return time + " " + kind + " " + instanceId + (detail.isEmpty() ? "" : " " + detail) + (rejected ? " (rejected)" : "");
  }
}
