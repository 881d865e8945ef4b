package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An OS image run: replaces the OS disk with one built from the target image, re-running the
 * model's extensions in provisioning order; undo restores the previous OS disk.
 */
record OsImageAction(ImageReference target, List<Extension> extensionsInOrder) implements UpgradeAction {
  @Override
  public boolean atTarget(Instance instance) {
    return instance.appliedImage().map(applied -> applied.sameImageAs(target)).orElse(false);
  }

  @Override
  public CompletionStage<Void> apply(InstanceDriver driver, String scaleSetName, String instanceId) {
    return driver.replaceOsDisk(scaleSetName, instanceId, target, extensionsInOrder);
  }

  @Override
  public boolean canUndo() {
    return true;
  }

  @Override
  public CompletionStage<Void> undo(InstanceDriver driver, String scaleSetName, String instanceId) {
    return driver.restorePreviousOsDisk(scaleSetName, instanceId);
  }

  @Override
  public String applyName() {
    return "replaceOsDisk";
  }

  @Override
  public String undoDescription() {
    return "restoring the previous OS disk";
  }
}
