package dev.rollingupgrade.testkit.fleet;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ScaleSet;
import java.util.Optional;

/** The model a {@link FakeFleet} holds as a {@code ModelStore}, and what applying it does to an instance. */
final class FleetModel {
  private ScaleSet model;

  Optional<ScaleSet> get() {
    return Optional.ofNullable(model);
  }

  /** Stores {@code next}; returns whether its virtual machine profile differs (the instances go out of date). */
  boolean put(ScaleSet next) {
    boolean changed = model != null && !model.virtualMachineProfile().equals(next.virtualMachineProfile());
    model = next;
    return changed;
  }

  /** Brings {@code instance} to the model: its image and its extensions' versions. */
  void applyTo(FakeInstance instance) {
    instance.latestModelApplied = true;
    if (model == null) {
      return;
    }
    instance.image = model.virtualMachineProfile().imageReference();
    for (Extension e : model.virtualMachineProfile().extensionProfile().extensions()) {
      instance.extensionVersions.put(e.name(), e.typeHandlerVersion());
    }
  }
}
