package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** A driver that tells an {@link ApplicationHealthSignal} when instances restart; see {@link ApplicationHealthSignal#tracking}. */
final class RestartTrackingDriver implements InstanceDriver {
  private final InstanceDriver driver;
  private final ApplicationHealthSignal signal;

  RestartTrackingDriver(InstanceDriver driver, ApplicationHealthSignal signal) {
    this.driver = driver;
    this.signal = signal;
  }

  @Override
  public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
    return driver.listInstances(scaleSetName);
  }

  @Override
  public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
    return driver.getInstance(scaleSetName, instanceId);
  }

  @Override
  public CompletionStage<Void> replaceOsDisk(String scaleSetName, String instanceId, ImageReference image,
      List<Extension> extensionsInOrder) {
    return restart(scaleSetName, instanceId, () -> driver.replaceOsDisk(scaleSetName, instanceId, image,
        extensionsInOrder));
  }

  @Override
  public CompletionStage<Void> restorePreviousOsDisk(String scaleSetName, String instanceId) {
    return restart(scaleSetName, instanceId, () -> driver.restorePreviousOsDisk(scaleSetName, instanceId));
  }

  @Override
  public CompletionStage<Void> setExtensionVersion(String scaleSetName, String instanceId, Extension extension,
      String version) {
    return driver.setExtensionVersion(scaleSetName, instanceId, extension, version);
  }

  @Override
  public CompletionStage<Void> applyLatestModel(String scaleSetName, String instanceId) {
    return restart(scaleSetName, instanceId, () -> driver.applyLatestModel(scaleSetName, instanceId));
  }

  @Override
  public Optional<CompletionStage<Instance>> whenSettled(String scaleSetName, String instanceId) {
    return driver.whenSettled(scaleSetName, instanceId);
  }

  private CompletionStage<Void> restart(String scaleSetName, String instanceId, Supplier<CompletionStage<Void>> call) {
    signal.instanceRestarting(scaleSetName, instanceId);
    CompletionStage<Void> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      signal.instanceRestarted(scaleSetName, instanceId);
      return CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      signal.instanceRestarted(scaleSetName, instanceId);
      return null; // the SDK reports a driver that returns no stage
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    stage.whenComplete((v, e) -> {
      signal.instanceRestarted(scaleSetName, instanceId); // before the run hears: it never reads the old health
      if (e != null) {
        done.completeExceptionally(e);
      } else {
        done.complete(v);
      }
    });
    done.whenComplete((v, e) -> {
      if (done.isCancelled()) {
        try {
          stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignored) {
          // a stage that cannot be cancelled runs to its end
        }
      }
    });
    return done;
  }
}
