package dev.rollingupgrade.testkit.contract;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.HealthSignal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the SDK relies on from a {@link HealthSignal}. Extend it in your test sources:
 *
 * <pre>{@code
 * class MyHealthSignalContractTest extends HealthSignalContract {
 *   protected HealthSignal signal() { return new MyProbeSignal(testCloud); }
 *   protected String scaleSetName() { return "contract-test-vmss"; }
 *   protected String instanceId() { return "0"; }
 * }
 * }</pre>
 *
 * <p>Checks: health of a known instance completes with a state; an unknown instance is a failed
 * stage (or {@code UNKNOWN}), never a throw; a subscription, when offered, can be cancelled twice.
 * On virtual time, see {@link SpiContract} for when to override {@link #settle()}.
 */
public abstract class HealthSignalContract extends SpiContract {
  /** The health signal under test; called once per check. */
  protected abstract HealthSignal signal();

  /** A scale set the signal watches. */
  protected abstract String scaleSetName();

  /** An instance of that scale set. */
  protected abstract String instanceId();

  /** An instance id the scale set does not have; default {@code no-such-instance-0}. */
  protected String unknownInstanceId() {
    return "no-such-instance-0";
  }

  @Test
  void aKnownInstanceHasAHealthState() {
    HealthSignal signal = underTest(signal());
    HealthState state = value("health", returnsStage("health", () -> signal.health(scaleSetName(), instanceId())));
    if (state == null) {
      throw new AssertionError("health(" + instanceId() + ") completed with null; use UNKNOWN when unsure");
    }
  }

  @Test
  void anUnknownInstanceIsAFailedStageOrUnknownNotAThrow() {
    HealthSignal signal = underTest(signal());
    var stage = returnsStage("health", () -> signal.health(scaleSetName(), unknownInstanceId()));
    settle();
    var future = stage.toCompletableFuture();
    if (future.isDone() && !future.isCompletedExceptionally()) {
      HealthState state = future.join();
      if (state != HealthState.UNKNOWN) {
        throw new AssertionError("health of unknown instance " + unknownInstanceId() + " is " + state
            + "; expected a failed stage or UNKNOWN");
      }
    } else {
      fails("health of an unknown instance", stage);
    }
  }

  @Test
  void aSubscriptionCanBeCancelledTwice() {
    HealthSignal signal = underTest(signal());
    Optional<Cancellable> subscription;
    try {
      subscription = signal.subscribe(scaleSetName(), (id, state) -> { });
    } catch (RuntimeException e) {
      throw new AssertionError("subscribe threw " + e + "; return Optional.empty() when the signal cannot push", e);
    }
    if (subscription == null) {
      throw new AssertionError("subscribe returned null; return Optional.empty() when the signal cannot push");
    }
    subscription.ifPresent(handle -> {
      handle.cancel();
      handle.cancel();
    });
  }
}
