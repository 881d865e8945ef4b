package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.Versions;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.status.TargetExtension;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An extension run: sets one extension of the model to the target version; undo reinstalls the
 * version the instance had when it was listed (the target's {@code previousVersion} when that is
 * not known, e.g. after a resume). An instance reporting the target version or a later one is at
 * the target (never downgraded).
 */
final class ExtensionAction implements UpgradeAction {
  private final TargetExtension target;
  private final Extension extension;
  private final Map<String, String> listedVersions = new ConcurrentHashMap<>(); // instance -> version when listed

  ExtensionAction(TargetExtension target, ScaleSet model) {
    this.target = target;
    this.extension = model.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(target.name())).findFirst()
        .orElseThrow(() -> new IllegalStateException("the model of " + model.name() + " has no extension "
            + target.name()));
  }

  @Override
  public boolean atTarget(Instance instance) {
    String installed = instance.appliedExtensionVersions().get(target.name());
    boolean at = installed != null && Versions.compare(installed, target.version()) >= 0;
    if (installed != null && !at) {
      listedVersions.putIfAbsent(instance.instanceId(), installed); // what an undo gives back
    }
    return at;
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
    return driver.setExtensionVersion(scaleSetName, instanceId, extension,
        listedVersions.getOrDefault(instanceId, target.previousVersion()));
  }

  @Override
  public String applyName() {
    return "setExtensionVersion(" + target.name() + ")";
  }

  @Override
  public String undoDescription() {
    return "reinstalling the previous version of " + target.name();
  }
}
