package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bounded real-time check: 50 probes of an endpoint that takes 250 ms to answer complete in
 * about one answer's time on a scheduler of two threads, not in 50 of them (12.5 s). The bound
 * (5 s) leaves room for a slow, shared machine and still fails a prober that works one by one.
 */
class ProbesRunTogetherTest {
  @Test
  void fiftyProbesTakeAboutOneProbesTime() throws Exception {
    Duration answer = Duration.ofMillis(250);
    try (SystemScheduler scheduler = SystemScheduler.withThreads(2);
        LoopbackEndpoint endpoint = new LoopbackEndpoint().answers(200, "").after(answer);
        ApplicationHealthSignal signal = ApplicationHealthSignal.builder(ApplicationHealthSettings
            .http(endpoint.port(), "/health").withInterval(Duration.ofSeconds(30))).probeTimeout(Duration.ofSeconds(20))
            .scheduler(scheduler).build()) {
      signal.health("warm-up", "0").toCompletableFuture().get(20, TimeUnit.SECONDS); // loads the HTTP client's classes
      long start = System.nanoTime();
      List<CompletableFuture<HealthState>> probes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        probes.add(signal.health("web", String.valueOf(i)).toCompletableFuture());
      }
      CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(probes).allSatisfy(p -> assertThat(p.join()).isEqualTo(HealthState.HEALTHY));
      assertThat(took).isGreaterThanOrEqualTo(answer).isLessThan(answer.multipliedBy(20));
    }
  }
}
