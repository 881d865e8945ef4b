package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a multi-region rollout is: its phases, and each scale set's part. Immutable.
 *
 * @param rolloutId the rollout
 * @param release the image released, e.g. {@code Canonical:UbuntuServer:18.04-LTS:18.04.202401010}
 * @param code {@code ROLLING_FORWARD} while it runs, then {@code COMPLETED}, {@code FAULTED} (a
 *     run of a phase faulted: later phases are untouched) or {@code CANCELLED}
 * @param startTime when it started
 * @param endTime when it ended; empty while it runs
 * @param plan the phase plan, as planned at the start
 * @param phase the phase in flight (1-based), or the last one reached once it ended; 0 before the first
 * @param members every scale set's part, in plan order
 * @param error why it faulted: which scale set, and its run's error
 */
public record RolloutStatus(String rolloutId, String release, RollingUpgradeStatusCode code, Instant startTime,
    Optional<Instant> endTime, PhasePlan plan, int phase, List<Member> members, Optional<ApiError> error) {

  /** Copies the list. */
  public RolloutStatus {
    members = List.copyOf(members);
  }

  /** The part of scale set {@code name}. */
  public Optional<Member> member(String name) {
    return members.stream().filter(m -> m.scaleSetName().equals(name)).findFirst();
  }

  /** Where a scale set is in a rollout. */
  public enum MemberState {
    /** Its wave has not started (after a fault or cancel: it never will, it is untouched). */
    PENDING,
    /** Its run is in flight. */
    RUNNING,
    /** Its run completed (failed instances within the thresholds allowed). */
    COMPLETED,
    /** Its run faulted: the rollout stops at this phase. */
    FAULTED,
    /** Its run was cancelled. */
    CANCELLED,
    /** Taken out of the rollout (automatic upgrades disabled for it) before or while it ran. */
    REMOVED
  }

  /**
   * One scale set's part.
   *
   * @param scaleSetName the scale set
   * @param region its region
   * @param phase the phase its region is in
   * @param state where it is
   * @param runId its run, once started ({@code <rolloutId>/<scaleSetName>})
   * @param error its run's error, if it faulted
   */
  public record Member(String scaleSetName, String region, int phase, MemberState state, Optional<String> runId,
      Optional<ApiError> error) {}
}
