package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A model run: brings each instance to the scale set's latest model. There is no previous model
 * to restore, so it cannot be undone.
 */
record ModelAction() implements UpgradeAction {
  @Override
  public boolean atTarget(Instance instance) {
    return instance.latestModelApplied();
  }

  @Override
  public CompletionStage<Void> apply(InstanceDriver driver, String scaleSetName, String instanceId) {
    return driver.applyLatestModel(scaleSetName, instanceId);
  }

  @Override
  public boolean canUndo() {
    return false;
  }

  @Override
  public CompletionStage<Void> undo(InstanceDriver driver, String scaleSetName, String instanceId) {
    return CompletableFuture.failedFuture(new IllegalStateException("a model upgrade has no previous model to restore"));
  }

  @Override
  public String applyName() {
    return "applyLatestModel";
  }

  @Override
  public String undoDescription() {
    return "restoring the previous model";
  }
}
