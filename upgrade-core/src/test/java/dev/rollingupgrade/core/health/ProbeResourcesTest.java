package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What probing costs the JVM: no thread left per closed signal, no scheduler thread blocked on DNS. */
class ProbeResourcesTest {
  private static final long BOUND_SECONDS = 20;

  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().matches("HttpClient-\\d+-SelectorManager")).count();
  }

  @Test
  void signalsBuiltAndClosedLeaveNoHttpClientThreadBehind() {
    long before = selectorThreads();
    List<ApplicationHealthSignal> closed = new ArrayList<>(); // still referenced: close() alone must release
    try (SystemScheduler scheduler = SystemScheduler.withThreads(1)) {
      for (int i = 0; i < 30; i++) {
        ApplicationHealthSignal signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(80, "/health"))
            .scheduler(scheduler).build();
        signal.close();
        closed.add(signal);
      }
    }
    assertThat(selectorThreads()).as("%s signals closed", closed.size()).isLessThanOrEqualTo(before + 1);
  }

  /**
   * A host name that takes long to resolve (here: until the test ends, then unknown) is resolved
   * on threads of the signal's own: the probe is unhealthy by its deadline, and neither the
   * caller nor the scheduler waits for DNS.
   */
  @Test
  void slowDnsIsBoundedByTheProbeDeadlineAndBlocksNoSchedulerThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Thread> resolvingOn = new CompletableFuture<>();
    Prober.NameService slowDns = host -> {
      resolvingOn.complete(Thread.currentThread());
      try {
        release.await(2 * BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new UnknownHostException(host);
    };
    try (SystemScheduler scheduler = SystemScheduler.withThreads(1);
        ApplicationHealthSignal signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.tcp(8080))
            .resolver((set, id, port) -> InetSocketAddress.createUnresolved("no-such-host.invalid", port))
            .probeTimeout(Duration.ofMillis(300)).nameService(slowDns).scheduler(scheduler).build()) {
      try {
        long asked = System.nanoTime();
        var health = signal.health("web", "0").toCompletableFuture();
        assertThat(health.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(HealthState.UNHEALTHY);
        // a generous upper bound for a 300 ms deadline on a loaded machine; DNS hangs for longer
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
        assertThat(release.getCount()).as("the verdict came while DNS still hung").isEqualTo(1);
        CompletableFuture<Void> schedulerRuns = new CompletableFuture<>();
        scheduler.schedule(Duration.ZERO, () -> schedulerRuns.complete(null));
        schedulerRuns.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(release.getCount()).as("the scheduler's only thread ran while DNS still hung").isEqualTo(1);
        Thread dns = resolvingOn.get(BOUND_SECONDS, TimeUnit.SECONDS);
        assertThat(dns).isNotSameAs(Thread.currentThread());
        assertThat(dns.getName()).startsWith("health-probe-dns-");
      } finally {
        release.countDown();
      }
    }
  }
}
