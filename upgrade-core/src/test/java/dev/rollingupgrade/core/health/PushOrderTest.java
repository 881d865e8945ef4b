package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An instance's changes reach listeners in the order they happened, whichever thread made them:
 * here the probe's thread is held between its change (HEALTHY) and the delivery while another
 * thread makes the next change (INITIALIZING). Listeners must end on INITIALIZING.
 */
class PushOrderTest {
  private static final long BOUND_SECONDS = 20;

  @Test
  void changesOfOneInstanceAreDeliveredInOrder() throws Exception {
    try (SystemScheduler scheduler = SystemScheduler.withThreads(2); LoopbackEndpoint endpoint = new LoopbackEndpoint();
        ApplicationHealthSignal signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(
            endpoint.port(), "/health")).scheduler(scheduler).build()) {
      endpoint.answers(200, "");
      List<HealthState> delivered = new CopyOnWriteArrayList<>();
      CountDownLatch two = new CountDownLatch(2);
      signal.subscribe("web", (id, state) -> {
        delivered.add(state);
        two.countDown();
      });
      CompletableFuture<Void> probeHeld = new CompletableFuture<>();
      CountDownLatch release = new CountDownLatch(1);
      Thread main = Thread.currentThread();
      signal.beforeDelivery = (id, state) -> {
        if (state == HealthState.HEALTHY && Thread.currentThread() != main) {
          probeHeld.complete(null);
          try {
            release.await(BOUND_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      signal.health("web", "0");
      probeHeld.get(BOUND_SECONDS, TimeUnit.SECONDS); // the first answer, HEALTHY, is made but not delivered
      signal.instanceRestarting("web", "0");
      release.countDown();
      assertThat(two.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("both changes delivered").isTrue();
      assertThat(delivered).containsExactly(HealthState.HEALTHY, HealthState.INITIALIZING);
      assertThat(signal.health("web", "0").toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS))
          .isEqualTo(HealthState.INITIALIZING);
    }
  }
}
