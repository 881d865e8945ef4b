package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollbackInfo;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.run.InstanceOutcome.State;
import dev.rollingupgrade.core.run.RunEvent.InstanceFailed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What clients see of a run, computed from its {@link RunState}: status, progress, history entry, outcomes. */
final class RunProjection {
  private RunProjection() {}

  /** Azure's {@code rollingUpgrades/latest}: progress counts always sum to the candidates. */
  static RollingUpgradeStatus status(RunState s) {
    var running = RunningStatus.builder().code(s.endCode().orElse(RollingUpgradeStatusCode.ROLLING_FORWARD))
        .startTime(s.startTime).lastAction(s.lastAction).lastActionTime(s.lastActionTime).build();
    var b = RollingUpgradeStatus.builder().policy(s.settings.policy()).runningStatus(running).progress(progress(s));
    s.endError().ifPresent(b::error);
    return b.build();
  }

  static RollingUpgradeProgress progress(RunState s) {
    return RollingUpgradeProgress.builder().successfulInstanceCount(s.succeeded).failedInstanceCount(s.failed)
        .inProgressInstanceCount(s.inFlight).pendingInstanceCount(s.candidates - s.succeeded - s.failed - s.inFlight)
        .build();
  }

  static RollbackInfo rollbackInfo(RunState s) {
    var info = RollbackInfo.builder().successfullyRolledbackInstanceCount(s.rolledBack)
        .failedRolledbackInstanceCount(s.rollbackFailed);
    if (!s.rollbackErrors.isEmpty()) {
      info.rollbackError(ApiError.builder().code(RollingUpgradeErrorCodes.ROLLBACK_FAILED)
          .message(s.rollbackFailed + " instances could not be rolled back").details(s.rollbackErrors).build());
    }
    return info.build();
  }

  /** The history entry of a run ending now with {@code code}. */
  static UpgradeHistoryEntry historyEntry(RunState s, RollingUpgradeStatusCode code, Instant end, Optional<ApiError> error) {
    var entry = UpgradeHistoryEntry.builder()
        .runningStatus(RunningStatus.builder().code(code).startTime(s.startTime).endTime(end).build())
        .progress(progress(s))
        .startedBy(s.settings.startedBy())
        .targetImageReference(s.settings.extension().isPresent() ? Optional.empty() : Optional.of(s.settings.target()))
        .targetExtension(s.settings.extension())
        .rollbackInfo(rollbackInfo(s))
        .location(s.settings.model().location());
    error.ifPresent(entry::error);
    return entry.build();
  }

  /** One line per instance, in the order the driver listed them. */
  static List<InstanceOutcome> outcomes(RunState s) {
    List<InstanceOutcome> all = new ArrayList<>(s.table.size());
    for (int i = 0; i < s.table.size(); i++) {
      all.add(outcome(s, i));
    }
    return all;
  }

  static InstanceOutcome outcome(RunState s, int i) {
    InstanceFailed failure = s.failures.get(i);
    Optional<String> code = Optional.ofNullable(failure).map(InstanceFailed::code);
    Optional<String> message = Optional.ofNullable(failure).map(InstanceFailed::message);
    State state = switch (s.progress[i]) {
      case NOT_CANDIDATE -> State.SKIPPED;
      case PENDING -> State.PENDING;
      case IN_FLIGHT -> State.UPGRADING;
      case SUCCEEDED -> State.UPGRADED;
      case FAILED -> switch (s.undo[i]) {
        case DONE -> State.ROLLED_BACK;
        case FAILED -> State.ROLLBACK_FAILED;
        default -> State.FAILED;
      };
    };
    return new InstanceOutcome(s.id(i), state, s.batchOf[i], code, message);
  }
}
