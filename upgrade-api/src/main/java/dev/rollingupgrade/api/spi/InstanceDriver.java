package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The only thing that touches real machines. Every method is asynchronous: it returns at once
 * and completes its stage when the work is done; failures complete the stage exceptionally
 * (the SDK treats a throw the same way, and a stage that never completes as a timeout). The
 * SDK calls many instances concurrently, so implementations must be thread-safe; they need not
 * use a thread per call.
 */
public interface InstanceDriver {
  /** Lists the instances of a scale set with their placement and state. */
  CompletionStage<List<Instance>> listInstances(String scaleSetName);

  /** Reads one instance, e.g. to learn which image it runs after a crash. */
  CompletionStage<Instance> getInstance(String scaleSetName, String instanceId);

  /**
   * Replaces the OS disk of an instance with one built from {@code image}, keeping data disks,
   * re-running custom data and the model's extensions in the order given.
   *
   * @param extensionsInOrder the model's extensions in provisioning order
   *     ({@code provisionAfterExtensions} honoured)
   */
  CompletionStage<Void> replaceOsDisk(String scaleSetName, String instanceId, ImageReference image,
      List<Extension> extensionsInOrder);

  /** Restores the OS disk the instance had before its last {@link #replaceOsDisk}. Idempotent. */
  CompletionStage<Void> restorePreviousOsDisk(String scaleSetName, String instanceId);

  /** Installs {@code version} of one extension on an instance. */
  CompletionStage<Void> setExtensionVersion(String scaleSetName, String instanceId, Extension extension,
      String version);

  /** Brings an instance to the scale set's latest model (manual upgrade policy). */
  CompletionStage<Void> applyLatestModel(String scaleSetName, String instanceId);

  /**
   * Completes with the instance once no operation (upgrade, restore) is running on it — at once
   * when none is. A run resumed after its host stopped uses it to pick up operations started
   * before; drivers that cannot tell return empty (the default), and the SDK polls
   * {@link #getInstance} instead, reading provisioning state {@code Updating} as still running.
   */
  default Optional<CompletionStage<Instance>> whenSettled(String scaleSetName, String instanceId) {
    return Optional.empty();
  }
}
