package dev.rollingupgrade.testkit.contract;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * What the SDK relies on from an {@link InstanceDriver}. Extend it in your test sources, give it
 * your driver and a scale set it may upgrade, and JUnit 5 runs the checks:
 *
 * <pre>{@code
 * class MyDriverContractTest extends InstanceDriverContract {
 *   protected InstanceDriver driver() { return new MyDriver(testCloud); }
 *   protected String scaleSetName() { return "contract-test-vmss"; }
 *   protected ImageReference targetImage() { return ImageReference.platform(...); }
 * }
 * }</pre>
 *
 * <p>Checks: calls return stages instead of throwing, and report failures (an unknown instance) by
 * completing them exceptionally; listed instances have unique ids and can be read one by one; an
 * upgrade completes and the instance then runs the target; restoring the previous OS disk is
 * idempotent; {@code whenSettled}, when offered, completes once nothing runs on the instance. The
 * driver is used on a real scale set: give it one that may be upgraded.
 *
 * <p>Each check waits for the driver's stages in real time, up to {@link #stageTimeout()}. A
 * driver on the testkit's virtual time needs nothing more when it holds its
 * {@code VirtualScheduler}: the default {@link #settle()} finds and moves it; otherwise override
 * {@link #settle()} (see {@link SpiContract}).
 */
public abstract class InstanceDriverContract extends SpiContract {
  /** The driver under test; called once per check. */
  protected abstract InstanceDriver driver();

  /** A scale set the driver can reach and may upgrade; it must have at least one instance. */
  protected abstract String scaleSetName();

  /** An image the instances may be upgraded to. */
  protected abstract ImageReference targetImage();

  /** An instance id the scale set does not have; default {@code no-such-instance-0}. */
  protected String unknownInstanceId() {
    return "no-such-instance-0";
  }

  private List<Instance> list(InstanceDriver driver) {
    List<Instance> instances = value("listInstances", returnsStage("listInstances",
        () -> driver.listInstances(scaleSetName())));
    if (instances == null || instances.isEmpty()) {
      throw new AssertionError("listInstances(" + scaleSetName() + ") returned no instance; the contract needs one");
    }
    return instances;
  }

  @Test
  void listedInstancesHaveUniqueIdsAndCanBeReadOneByOne() {
    InstanceDriver driver = underTest(driver());
    List<Instance> instances = list(driver);
    Set<String> ids = new HashSet<>();
    for (Instance i : instances) {
      if (!ids.add(i.instanceId())) {
        throw new AssertionError("listInstances returned instance id " + i.instanceId() + " twice");
      }
    }
    Instance first = instances.get(0);
    Instance read = value("getInstance", returnsStage("getInstance", () -> driver.getInstance(scaleSetName(), first.instanceId())));
    if (!read.instanceId().equals(first.instanceId())) {
      throw new AssertionError("getInstance(" + first.instanceId() + ") returned instance " + read.instanceId());
    }
  }

  @Test
  void anUnknownInstanceIsAFailedStageNotAThrow() {
    InstanceDriver driver = underTest(driver());
    fails("getInstance of an unknown instance", returnsStage("getInstance", () -> driver.getInstance(scaleSetName(), unknownInstanceId())));
    fails("replaceOsDisk of an unknown instance", returnsStage("replaceOsDisk",
        () -> driver.replaceOsDisk(scaleSetName(), unknownInstanceId(), targetImage(), List.of())));
    fails("restorePreviousOsDisk of an unknown instance", returnsStage("restorePreviousOsDisk",
        () -> driver.restorePreviousOsDisk(scaleSetName(), unknownInstanceId())));
  }

  @Test
  void anUpgradeCompletesAndTheInstanceThenRunsTheTarget() {
    InstanceDriver driver = underTest(driver());
    String id = list(driver).get(0).instanceId();
    value("replaceOsDisk", returnsStage("replaceOsDisk", () -> driver.replaceOsDisk(scaleSetName(), id, targetImage(), List.of())));
    Instance after = value("getInstance", returnsStage("getInstance", () -> driver.getInstance(scaleSetName(), id)));
    if (after.appliedImage().filter(image -> image.sameImageAs(targetImage())).isEmpty()) {
      throw new AssertionError("after replaceOsDisk to " + targetImage().display() + ", instance " + id + " runs "
          + after.appliedImage().map(ImageReference::display).orElse("no reported image"));
    }
  }

  @Test
  void restoringThePreviousOsDiskIsIdempotent() {
    InstanceDriver driver = underTest(driver());
    String id = list(driver).get(0).instanceId();
    value("replaceOsDisk", returnsStage("replaceOsDisk", () -> driver.replaceOsDisk(scaleSetName(), id, targetImage(), List.of())));
    value("restorePreviousOsDisk", returnsStage("restorePreviousOsDisk", () -> driver.restorePreviousOsDisk(scaleSetName(), id)));
    Instance once = value("getInstance", returnsStage("getInstance", () -> driver.getInstance(scaleSetName(), id)));
    value("restorePreviousOsDisk again", returnsStage("restorePreviousOsDisk", () -> driver.restorePreviousOsDisk(scaleSetName(), id)));
    Instance twice = value("getInstance", returnsStage("getInstance", () -> driver.getInstance(scaleSetName(), id)));
    if (!once.appliedImage().equals(twice.appliedImage())) {
      throw new AssertionError("a second restorePreviousOsDisk changed the image of " + id + " from "
          + once.appliedImage() + " to " + twice.appliedImage());
    }
  }

  @Test
  void whenSettledCompletesOnceNothingRuns() {
    InstanceDriver driver = underTest(driver());
    String id = list(driver).get(0).instanceId();
    CompletionStage<Void> upgrade = returnsStage("replaceOsDisk", () -> driver.replaceOsDisk(scaleSetName(), id, targetImage(), List.of()));
    Optional<CompletionStage<Instance>> settled;
    try {
      settled = driver.whenSettled(scaleSetName(), id);
    } catch (RuntimeException e) {
      throw new AssertionError("whenSettled threw " + e + "; return empty when the driver cannot tell", e);
    }
    if (settled == null) {
      throw new AssertionError("whenSettled returned null; return Optional.empty() when the driver cannot tell");
    }
    value("replaceOsDisk", upgrade);
    settled.ifPresent(stage -> value("whenSettled", stage));
  }
}
