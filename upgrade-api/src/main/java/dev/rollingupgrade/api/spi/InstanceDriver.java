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
 * use a thread per call, and must not block the calling thread (a call that does is reported with
 * a WARN, and holds up the calls after it).
 *
 * <p>When the SDK gives up on a call (its timeout passed), it cancels the stage the call returned
 * ({@code CompletableFuture.cancel}) before doing anything else with the instance (a call that
 * blocks its thread gets the cancel on its stage only once it returns it). It may then call
 * {@link #restorePreviousOsDisk} for that instance while the cancelled {@link #replaceOsDisk} is
 * still running on the machine: the driver should let the restore wait for, or abort, the
 * replacement, so that the restore is the last thing applied.
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
