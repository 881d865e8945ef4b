package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.concurrent.CompletionStage;

/**
 * What one kind of run changes on an instance; the engine's batch loop knows nothing else about
 * it. {@link OsImageAction} replaces the OS disk, {@link ModelAction} applies the latest model;
 * an extension-version action is the next kind. Immutable.
 */
interface UpgradeAction {
  /** Whether the instance already has the change (never touched then); also how a resume tells that a change landed. */
  boolean atTarget(Instance instance);

  /** Makes the change through the driver. */
  CompletionStage<Void> apply(InstanceDriver driver, String scaleSetName, String instanceId);

  /** Whether a failed change can be undone. */
  boolean canUndo();

  /** Undoes the change (idempotent); only called when {@link #canUndo()}. */
  CompletionStage<Void> undo(InstanceDriver driver, String scaleSetName, String instanceId);

  /** Names the change in calls and logs, e.g. {@code replaceOsDisk}. */
  String applyName();

  /** Names the undo in messages, e.g. {@code restoring the previous OS disk}. */
  String undoDescription();
}
