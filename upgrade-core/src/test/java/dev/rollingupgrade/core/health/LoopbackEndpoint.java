package dev.rollingupgrade.core.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP health endpoint on loopback whose answer a test sets: status, body, a delay (the
 * answer is sent later from a timer, never by a sleeping thread) or no answer at all. Counts the
 * requests it served.
 */
final class LoopbackEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final java.util.List<HttpExchange> held = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "";
  private volatile Duration delay = Duration.ZERO;
  private volatile boolean silent;
  final AtomicInteger served = new AtomicInteger();
  private final java.util.Queue<java.util.concurrent.CompletableFuture<Void>> arrivals =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  LoopbackEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.createContext("/health", this::answer);
    server.start();
  }

  /** Answers {@code status} with {@code body} from now on. */
  LoopbackEndpoint answers(int status, String body) {
    this.status = status;
    this.body = body;
    this.silent = false;
    return this;
  }

  /** Answers {@code delay} after each request. */
  LoopbackEndpoint after(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** Takes requests and never answers them (until closed). */
  LoopbackEndpoint silent() {
    this.silent = true;
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Completes when the next request arrives (before it is answered). */
  java.util.concurrent.CompletableFuture<Void> nextRequest() {
    var f = new java.util.concurrent.CompletableFuture<Void>();
    arrivals.add(f);
    return f;
  }

  private void answer(HttpExchange exchange) {
    Duration wait = delay; // what this request gets is fixed as it arrives
    boolean hold = silent;
    int s = status;
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    for (java.util.concurrent.CompletableFuture<Void> f; (f = arrivals.poll()) != null; ) {
      f.complete(null);
    }
    if (hold) {
      held.add(exchange); // open, unanswered, until the test ends
      return;
    }
    Runnable send = () -> {
      try (exchange) {
        exchange.sendResponseHeaders(s, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
          exchange.getResponseBody().write(b);
        }
        served.incrementAndGet();
      } catch (IOException e) {
        // the prober gave up on this exchange
      }
    };
    if (wait.isZero()) {
      send.run();
    } else {
      later.schedule(send, wait.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** A loopback port nobody listens on (bound, then closed). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    held.forEach(HttpExchange::close);
    server.stop(0);
    later.shutdownNow();
  }
}
