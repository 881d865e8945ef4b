package dev.rollingupgrade.testkit.contract;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** What both contracts share: calling an SPI method and waiting for its stage. */
abstract class ContractSupport {
  /**
   * Lets pending work finish before a stage is awaited. A real implementation needs nothing
   * (the default); an implementation on virtual time moves its clock on here.
   */
  protected void settle() {}

  /** How long to wait for one stage in real time once {@link #settle()} ran; default 30 seconds. */
  protected Duration stageTimeout() {
    return Duration.ofSeconds(30);
  }

  /** Calls {@code call}; it must return a stage, not throw. */
  <T> CompletionStage<T> returnsStage(String what, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      throw new AssertionError(what + " threw " + e + " instead of returning a stage: report failures by "
          + "completing the stage exceptionally", e);
    }
    if (stage == null) {
      throw new AssertionError(what + " returned null instead of a CompletionStage");
    }
    return stage;
  }

  /** The stage's value; fails the test if it failed or did not complete. */
  <T> T value(String what, CompletionStage<T> stage) {
    settle();
    try {
      return stage.toCompletableFuture().get(stageTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " completed exceptionally: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete within " + stageTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }

  /** The stage must complete exceptionally. */
  void fails(String what, CompletionStage<?> stage) {
    settle();
    try {
      stage.toCompletableFuture().get(stageTimeout().toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(what + " completed normally; expected it to complete exceptionally");
    } catch (ExecutionException expected) {
      // the failure is reported through the stage, as the SDK expects
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete within " + stageTimeout() + "; expected a failed stage");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }
}
