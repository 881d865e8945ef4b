package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.ScaleSet;
import java.util.concurrent.CompletionStage;

/**
 * Where a scale set's model lives: on Azure, the GET and PUT of the scale set resource; for a
 * fleet of one's own, whatever holds its desired state. The model update workflow (DESIGN §8)
 * gets the model, changes it and puts it back; the instances then report
 * {@code latestModelApplied=false} until {@link InstanceDriver#applyLatestModel} brings each one up
 * to it. Asynchronous and thread-safe like {@link InstanceDriver}.
 */
public interface ModelStore {
  /**
   * The scale set's model now.
   *
   * @return a stage that fails for a scale set the store does not hold
   */
  CompletionStage<ScaleSet> get(String scaleSetName);

  /**
   * Replaces the model of {@code model.name()}. When its {@code virtualMachineProfile} changed,
   * every instance reports {@code latestModelApplied=false} afterwards (and the store's driver
   * applies the new profile in {@code applyLatestModel}); other changes (the upgrade policy) reach
   * no instance.
   *
   * @return a stage that completes once the new model is stored
   */
  CompletionStage<Void> put(ScaleSet model);
}
