package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.status.ApiError;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the automatic upgrade of one extension of one scale set stands.
 *
 * @param scaleSet the scale set
 * @param extension the extension's name in the model
 * @param installed the lowest version its instances report (the model's {@code typeHandlerVersion}
 *     until they were listed)
 * @param target the version it moves to, when one newer within its major is published
 * @param state what happens now
 * @param attempts failed attempts at {@code target} so far (0 when none failed)
 * @param lastError why the last attempt failed
 * @param nextAttempt when a failed upgrade is tried again
 * @param newerMajor a newer major version that is published: never applied automatically
 */
public record ExtensionUpgradeStatus(String scaleSet, String extension, String installed, Optional<String> target,
    State state, int attempts, Optional<ApiError> lastError, Optional<Instant> nextAttempt,
    Optional<String> newerMajor) {

  /** What happens to an extension's automatic upgrade now. */
  public enum State {
    /** Every instance runs the newest allowed version (or none was found yet). */
    UP_TO_DATE,
    /** A newer version is due; its run starts when the set's other extension runs are done. */
    PENDING,
    /** Its run is in flight. */
    RUNNING,
    /** The last attempt failed, or its rollout stopped elsewhere; the next one is at {@code nextAttempt}. */
    WAITING_TO_RETRY,
    /** The set is a member of a rollout that did not finish before its host stopped: call {@code recover()}. */
    AWAITING_RECOVERY
  }
}
