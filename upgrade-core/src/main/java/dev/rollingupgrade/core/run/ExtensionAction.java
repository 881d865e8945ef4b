package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.Versions;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.status.TargetExtension;
import java.util.concurrent.CompletionStage;

/**
 * An extension run: sets one extension of the model to the target version; undo reinstalls the
 * previous version. An instance reporting the target version or a later one is at the target
 * (never downgraded).
 */
record ExtensionAction(TargetExtension target, Extension extension) implements UpgradeAction {
  ExtensionAction(TargetExtension target, ScaleSet model) {
    this(target, model.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(target.name())).findFirst()
        .orElseThrow(() -> new IllegalStateException("the model of " + model.name() + " has no extension "
            + target.name())));
  }

  @Override
  public boolean atTarget(Instance instance) {
    String installed = instance.appliedExtensionVersions().get(target.name());
    return installed != null && Versions.compare(installed, target.version()) >= 0;
  }

  @Override
  public CompletionStage<Void> apply(InstanceDriver driver, String scaleSetName, String instanceId) {
    return driver.setExtensionVersion(scaleSetName, instanceId, extension, target.version());
  }

  @Override
  public boolean canUndo() {
    return true;
  }

  @Override
  public CompletionStage<Void> undo(InstanceDriver driver, String scaleSetName, String instanceId) {
    return driver.setExtensionVersion(scaleSetName, instanceId, extension, target.previousVersion());
  }

  @Override
  public String applyName() {
    return "setExtensionVersion(" + target.name() + ")";
  }

  @Override
  public String undoDescription() {
    return "reinstalling " + target.name() + " " + target.previousVersion();
  }
}
