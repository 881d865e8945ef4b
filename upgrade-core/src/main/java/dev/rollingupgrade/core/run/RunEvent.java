package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every decision of a run, as a typed event. The run's state changes only by applying one
 * ({@link RunState#apply}), right after the store made it durable; a resumed run folds the same
 * events from its journal, so replay and the live path cannot disagree. {@link EventCodec} turns
 * them into store records and back.
 */
sealed interface RunEvent {
  /** The run's configuration, everything a resume needs besides secrets. */
  record RunStarted(ScaleSet model, UpgradeKind kind, UpgradeOperationInvoker startedBy, ImageReference target,
      RollingUpgradePolicy policy, boolean rollback, boolean hasProtectedSettings, Duration callTimeout,
      Duration healthCallTimeout, Duration healthPollInterval, Optional<String> rollout,
      Optional<TargetExtension> extension, RunScope scope) implements RunEvent {
    UpgradeMode mode() {
      return model.upgradePolicy().mode();
    }

    /** Where the run's history entry goes: the set's OS upgrade history, or its extension's. */
    String historyKey() {
      return extension.map(x -> UpgradeHistory.extensionKey(model.name(), x.name())).orElse(model.name());
    }
  }

  /** The instances as planned: placement, health at planning, candidate or not. */
  record Planned(List<InstanceSnapshot> instances) implements RunEvent {}

  /** A batch starts with these instances (before their upgrades are called). */
  record BatchStarted(int number, List<String> instanceIds, String reason) implements RunEvent {}

  /** An upgrade call returned and the instance was not healthy at once: its health wait began. */
  record UpgradeReturned(String instanceId) implements RunEvent {}

  /** The instance reported healthy in time. */
  record InstanceSucceeded(String instanceId) implements RunEvent {}

  /** The instance failed: driver error or timeout, or no health in time. */
  record InstanceFailed(String instanceId, String code, String message) implements RunEvent {}

  /** Its change is being undone (before the driver's undo call). */
  record RollbackStarted(String instanceId) implements RunEvent {}

  /** The undo landed. */
  record RolledBack(String instanceId) implements RunEvent {}

  /** The undo failed. */
  record RollbackFailed(String instanceId, String message) implements RunEvent {}

  /** Every instance of the batch has its verdict and every rollback of it ended. */
  record BatchFinished(int number) implements RunEvent {}

  /** The pause between batches runs until then. */
  record PauseStarted(Instant until) implements RunEvent {}

  /** Someone asked the run to stop after the batch in flight. */
  record CancelRequested() implements RunEvent {}

  /** The run ended; its history entry goes to the store with this record. */
  record RunFinished(RollingUpgradeStatusCode code, Optional<ApiError> error, UpgradeHistoryEntry history)
      implements RunEvent {}
}
