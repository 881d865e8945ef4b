package dev.rollingupgrade.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application health protocol against real HTTP and TCP servers on loopback, with short
 * intervals. Nothing sleeps: each check awaits the signal's own answers and pushed changes (the
 * waits' timeouts are upper bounds against a hung test, never what is tested).
 */
class ApplicationHealthProtocolTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final long BOUND_SECONDS = 20;

  private final SystemScheduler scheduler = SystemScheduler.withThreads(2);
  private final LoopbackEndpoint endpoint;
  private ApplicationHealthSignal signal;

  ApplicationHealthProtocolTest() throws IOException {
    endpoint = new LoopbackEndpoint();
  }

  @AfterEach
  void close() {
    if (signal != null) {
      signal.close();
    }
    endpoint.close();
    scheduler.close();
  }

  private ApplicationHealthSignal http(ApplicationHealthSettings settings) {
    signal = ApplicationHealthSignal.builder(settings.withInterval(INTERVAL)).scheduler(scheduler).build();
    return signal;
  }

  private ApplicationHealthSignal http() {
    return http(ApplicationHealthSettings.http(endpoint.port(), "/health"));
  }

  private static HealthState await(java.util.concurrent.CompletionStage<HealthState> stage) throws Exception {
    return stage.toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  /** The pushed changes of one scale set, in order. */
  private static BlockingQueue<HealthState> pushes(ApplicationHealthSignal signal, String instanceId) {
    BlockingQueue<HealthState> changes = new LinkedBlockingQueue<>();
    signal.subscribe("web", (id, state) -> {
      if (id.equals(instanceId)) {
        changes.add(state);
      }
    });
    return changes;
  }

  private static HealthState next(BlockingQueue<HealthState> changes) throws InterruptedException {
    HealthState s = changes.poll(BOUND_SECONDS, TimeUnit.SECONDS);
    assertThat(s).as("a pushed change within the bound").isNotNull();
    return s;
  }

  @Test
  void a2xxWithoutABodyIsHealthy() throws Exception {
    endpoint.answers(204, "");
    assertThat(await(http().health("web", "0"))).isEqualTo(HealthState.HEALTHY);
  }

  @Test
  void richHealthStatesAreRead() throws Exception {
    endpoint.answers(200, "{\"ApplicationHealthState\": \"Healthy\", \"version\": \"2\"}");
    assertThat(await(http().health("web", "0"))).isEqualTo(HealthState.HEALTHY);
  }

  @Test
  void anUnhealthyBodyIsUnhealthyThoughTheStatusIs200() throws Exception {
    endpoint.answers(200, "{\"ApplicationHealthState\": \"Unhealthy\"}");
    assertThat(await(http().health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
  }

  @Test
  void aMalformedBodyOrAnotherStateIsUnknown() throws Exception {
    endpoint.answers(200, "{\"ApplicationHealthState\": ");
    assertThat(await(http().health("web", "0"))).isEqualTo(HealthState.UNKNOWN);
    endpoint.answers(200, "{\"ApplicationHealthState\": \"Busy\"}");
    assertThat(await(signal.health("web", "1"))).isEqualTo(HealthState.UNKNOWN);
    endpoint.answers(200, "OK");
    assertThat(await(signal.health("web", "2"))).isEqualTo(HealthState.UNKNOWN);
  }

  @Test
  void a500IsUnhealthy() throws Exception {
    endpoint.answers(500, "{\"ApplicationHealthState\": \"Healthy\"}");
    assertThat(await(http().health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
  }

  @Test
  void aRefusedConnectionIsUnhealthy() throws Exception {
    signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(LoopbackEndpoint.closedPort(), "/health")
        .withInterval(INTERVAL)).scheduler(scheduler).build();
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
  }

  @Test
  void anAnswerSlowerThanTheProbeTimeoutIsUnhealthy() throws Exception {
    endpoint.silent();
    signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(endpoint.port(), "/health")
        .withInterval(INTERVAL)).probeTimeout(Duration.ofMillis(200)).scheduler(scheduler).build();
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
    // the same server answering in time is healthy: it was the wait that failed, not the answer
    BlockingQueue<HealthState> changes = pushes(signal, "0"); // subscribed before the change can happen
    endpoint.answers(200, "");
    assertThat(next(changes)).isEqualTo(HealthState.HEALTHY);
  }

  @Test
  void tcpIsHealthyWhenAConnectionOpens() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.tcp(listening.getLocalPort())
          .withInterval(INTERVAL)).scheduler(scheduler).build();
      assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.HEALTHY);
    }
    try (ApplicationHealthSignal closed = ApplicationHealthSignal.builder(ApplicationHealthSettings.tcp(
        LoopbackEndpoint.closedPort()).withInterval(INTERVAL)).scheduler(scheduler).build()) {
      assertThat(await(closed.health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
    }
  }

  @Test
  void numberOfProbesConsecutiveResultsChangeTheState() throws Exception {
    endpoint.answers(200, "");
    http(ApplicationHealthSettings.http(endpoint.port(), "/health").withNumberOfProbes(3));
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.HEALTHY);
    BlockingQueue<HealthState> changes = pushes(signal, "0");
    int healthyAnswers = endpoint.served.get();
    endpoint.answers(500, "");
    assertThat(next(changes)).isEqualTo(HealthState.UNHEALTHY);
    // three failing answers were needed: the first two did not change the state
    assertThat(endpoint.served.get() - healthyAnswers).isGreaterThanOrEqualTo(3);
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
    int failingAnswers = endpoint.served.get();
    endpoint.answers(200, "");
    assertThat(next(changes)).isEqualTo(HealthState.HEALTHY);
    assertThat(endpoint.served.get() - failingAnswers).isGreaterThanOrEqualTo(3);
  }

  @Test
  void anUpgradedInstanceIsInitializingThroughItsGracePeriodUntilItAnswersHealthy() throws Exception {
    endpoint.answers(200, "");
    http(ApplicationHealthSettings.http(endpoint.port(), "/health").withNumberOfProbes(2)
        .withGracePeriod(Duration.ofSeconds(60)));
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.HEALTHY);
    BlockingQueue<HealthState> changes = pushes(signal, "0");
    endpoint.answers(503, "");
    signal.instanceRestarting("web", "0");
    assertThat(next(changes)).isEqualTo(HealthState.INITIALIZING);
    signal.instanceRestarted("web", "0");
    int before = endpoint.served.get();
    // the application is still starting: failing answers within the grace period change nothing
    while (endpoint.served.get() - before < 4) {
      assertThat(changes.poll(INTERVAL.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.INITIALIZING);
    endpoint.answers(200, "");
    assertThat(next(changes)).isEqualTo(HealthState.HEALTHY);
  }

  /**
   * A probe answered after the upgrade is done says nothing about the new version if it was sent
   * while the application was being replaced (here the old one answers 200 late): the new one,
   * answering 500, is never reported healthy, and nothing is probed while the restart goes on.
   */
  @Test
  void aProbeSentDuringTheRestartDoesNotCountForTheNewVersion() throws Exception {
    endpoint.answers(200, "");
    http(ApplicationHealthSettings.http(endpoint.port(), "/health").withGracePeriod(Duration.ofSeconds(2)));
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.HEALTHY);
    BlockingQueue<HealthState> changes = pushes(signal, "0");
    endpoint.after(Duration.ofMillis(400));
    var arrived = endpoint.nextRequest();
    signal.instanceRestarting("web", "0");
    assertThat(next(changes)).isEqualTo(HealthState.INITIALIZING);
    boolean probedWhileRestarting;
    try {
      arrived.get(300, TimeUnit.MILLISECONDS); // the restart takes this long (six probe intervals)
      probedWhileRestarting = true;
    } catch (java.util.concurrent.TimeoutException e) {
      probedWhileRestarting = false;
    }
    endpoint.after(Duration.ZERO).answers(500, "");
    signal.instanceRestarted("web", "0");
    assertThat(next(changes)).as("the new version answers 500 only").isEqualTo(HealthState.UNHEALTHY);
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.UNHEALTHY);
    assertThat(probedWhileRestarting).as("an application being replaced is not probed").isFalse();
  }

  @Test
  void theLatestResultHoldsOnceTheGracePeriodIsOver() throws Exception {
    endpoint.answers(200, "");
    Duration grace = Duration.ofMillis(400);
    http(ApplicationHealthSettings.http(endpoint.port(), "/health").withGracePeriod(grace));
    assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.HEALTHY);
    BlockingQueue<HealthState> changes = pushes(signal, "0");
    endpoint.answers(500, "");
    signal.instanceRestarting("web", "0");
    assertThat(next(changes)).isEqualTo(HealthState.INITIALIZING);
    long restarted = System.nanoTime();
    signal.instanceRestarted("web", "0");
    assertThat(next(changes)).isEqualTo(HealthState.UNHEALTHY);
    assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isGreaterThanOrEqualTo(grace);
  }

  @Test
  void anInstanceTheResolverDoesNotKnowIsAFailedStage() {
    signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(endpoint.port(), "/health"))
        .resolver(InstanceAddressResolver.hosts(Map.of("0", "127.0.0.1")::get)).scheduler(scheduler).build();
    assertThatThrownBy(() -> await(signal.health("web", "7"))).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("no address for instance 7");
  }

  @Test
  void aResolverMapsEachInstanceToItsOwnPort() throws Exception {
    try (LoopbackEndpoint other = new LoopbackEndpoint()) {
      endpoint.answers(200, "{\"ApplicationHealthState\": \"Healthy\"}");
      other.answers(200, "{\"ApplicationHealthState\": \"Unhealthy\"}");
      Map<String, Integer> ports = Map.of("0", endpoint.port(), "1", other.port());
      signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(80, "/health").withInterval(INTERVAL))
          .resolver((set, id, port) -> new InetSocketAddress("127.0.0.1", ports.get(id))).scheduler(scheduler).build();
      assertThat(await(signal.health("web", "0"))).isEqualTo(HealthState.HEALTHY);
      assertThat(await(signal.health("web", "1"))).isEqualTo(HealthState.UNHEALTHY);
    }
  }
}
