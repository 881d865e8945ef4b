package dev.rollingupgrade.api.spi;

import java.util.List;
import java.util.Optional;

/**
 * The kinds of {@link RunRecord} the SDK writes, with the attributes each carries: a typed view
 * for people who audit a store (e.g. "which instances did batch 3 touch?") without reading the
 * SDK's codec. A store itself never needs this: it keeps kinds and attributes as opaque text.
 *
 * <p>The wire name of a kind ({@link #wireName()}) is what {@link RunRecord#kind()} holds. A run's
 * journal starts with {@link #RUN_STARTED}, a rollout's with {@link #ROLLOUT_STARTED}; the
 * attribute {@code format} of that first record is the journal's format version. Values are
 * text: numbers in decimal, times and durations in ISO-8601, lists of ids as JSON arrays, and
 * model documents as Azure JSON with protected settings masked. Attributes listed here may be
 * absent when they do not apply (e.g. {@code extension} on an OS image run); new attributes may
 * be added in later versions, so ignore the ones you do not know.
 */
public enum JournalRecordKind {
  /** A run started: its scale set, kind, target, policy and the model it upgrades. */
  RUN_STARTED("format", "scaleSet", "kind", "startedBy", "target", "policy", "rollback", "model",
      "hasProtectedSettings", "callTimeout", "healthCallTimeout", "healthPollInterval", "extension", "rollout",
      "scope"),
  /** The run's plan: the instances it will upgrade, in order, with their placement. */
  PLANNED("instanceCount", "instances"),
  /** A batch starts: its number, member instance ids (JSON array) and why these were chosen. */
  BATCH_STARTED("batch", "instances", "reason"),
  /** The driver's upgrade call for an instance returned (health is awaited next). */
  UPGRADE_RETURNED("instance"),
  /** An instance was upgraded and is healthy. */
  INSTANCE_SUCCEEDED("instance"),
  /** An instance failed: its error code (see {@code RollingUpgradeErrorCodes}) and message. */
  INSTANCE_FAILED("instance", "code", "message"),
  /** A rollback of an instance to its previous OS disk or extension version starts. */
  ROLLBACK_STARTED("instance"),
  /** An instance was rolled back. */
  ROLLED_BACK("instance"),
  /** Rolling an instance back failed. */
  ROLLBACK_FAILED("instance", "message"),
  /** A batch ended. */
  BATCH_FINISHED("batch"),
  /** The pause between batches started; {@code until} is when the next batch may start. */
  PAUSE_STARTED("until"),
  /** A user asked to cancel the run. */
  CANCEL_REQUESTED(),
  /** The run ended with a status code; the record carries the history entry ({@link RunRecord#outcome()}). */
  RUN_FINISHED("code"),
  /**
   * A rollout across scale sets started: release, who started it, its phase plan (JSON) and one
   * {@code target:<scale set>} attribute per member (see {@link #TARGET_PREFIX}).
   */
  ROLLOUT_STARTED("format", "release", "startedBy", "plan"),
  /** A wave of a rollout started: its phase, region, wave number and scale sets (JSON array). */
  ROLLOUT_WAVE_STARTED("phase", "region", "wave", "scaleSets"),
  /** A scale set was taken out of the rollout (e.g. its automatic upgrades were disabled). */
  ROLLOUT_MEMBER_REMOVED("scaleSet"),
  /** A user asked to cancel the rollout. */
  ROLLOUT_CANCEL_REQUESTED(),
  /** A member's run ended: its status code, when, and its error if any. */
  ROLLOUT_MEMBER_ENDED("scaleSet", "code", "at", "errorCode", "errorMessage"),
  /** The rollout ended: status code, the phase it reached, each member's state, and its error if any. */
  ROLLOUT_FINISHED("code", "phase", "states", "error");

  /** Prefix of the per-member attributes of {@link #ROLLOUT_STARTED}: {@code target:<scale set name>}. */
  public static final String TARGET_PREFIX = "target:";

  private final List<String> attributes;

  JournalRecordKind(String... attributes) {
    this.attributes = List.of(attributes);
  }

  /** The text a {@link RunRecord#kind()} of this kind holds (the constant's name). */
  public String wireName() {
    return name();
  }

  /** The attribute names records of this kind may carry, in the order they are written. */
  public List<String> attributes() {
    return attributes;
  }

  /** Whether records of this kind belong to a rollout journal rather than a run's. */
  public boolean isRollout() {
    return name().startsWith("ROLLOUT_");
  }

  /** The kind of {@code record}, or empty if it is not one this SDK writes. */
  public static Optional<JournalRecordKind> of(RunRecord record) {
    return of(record.kind());
  }

  /** The kind whose wire name is {@code wireName}, or empty if there is none. */
  public static Optional<JournalRecordKind> of(String wireName) {
    for (JournalRecordKind k : values()) {
      if (k.name().equals(wireName)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
