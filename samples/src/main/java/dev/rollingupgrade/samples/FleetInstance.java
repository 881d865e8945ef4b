package dev.rollingupgrade.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance of the {@code fleet} sample: a tiny HTTP service in a JVM of its own, on loopback.
 * {@code GET /health} answers the application health extension's rich state
 * ({@code {"ApplicationHealthState": "Healthy", "version": "2.0.0"}}, or {@code Unhealthy} when
 * started with {@code --unhealthy}); {@code GET /version} the "image" version it runs. Once it
 * listens, and has answered one request of its own (a new JVM is slow at its first), it prints {@code listening <port>} on stdout, and writes nothing there again (its parent
 * may be gone). It stops by itself after {@code --idle-exit-seconds} without a request, so that
 * the instances of a fleet whose orchestrator crashed and was never resumed do not run for ever.
 *
 * <p>Usage: {@code java -cp upgrade-samples.jar dev.rollingupgrade.samples.FleetInstance --id 0
 * --version 1.0.0 [--port P] [--unhealthy] [--idle-exit-seconds S]}. JDK classes only, so it
 * starts fast.
 */
public final class FleetInstance {
  private FleetInstance() {}

  /** Starts the service; exits 2 on bad arguments, 1 when the port cannot be bound. */
  public static void main(String[] args) throws IOException {
    String id = null;
    String version = null;
    int port = 0;
    boolean unhealthy = false;
    long idleExitSeconds = 300;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--id" -> id = args[++i];
        case "--version" -> version = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--unhealthy" -> unhealthy = true;
        case "--idle-exit-seconds" -> idleExitSeconds = Long.parseLong(args[++i]);
        default -> {
          System.err.println("fleet instance: unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (id == null || version == null) {
      System.err.println("fleet instance: --id and --version are required");
      System.exit(2);
    }
    // headers and body go out in two writes: without TCP_NODELAY each answer waits for a delayed ACK (40 ms)
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    } catch (IOException e) {
      System.err.println("fleet instance " + id + ": cannot listen on port " + port + ": " + e);
      System.exit(1);
      return;
    }
    AtomicLong lastRequest = new AtomicLong(System.nanoTime());
    String health = "{\"ApplicationHealthState\": \"" + (unhealthy ? "Unhealthy" : "Healthy") + "\", \"instance\": \""
        + id + "\", \"version\": \"" + version + "\"}";
    String v = version;
    server.createContext("/health", exchange -> answer(exchange, health, lastRequest));
    server.createContext("/version", exchange -> answer(exchange, v, lastRequest));  // plain text
    server.start();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    long idleNanos = TimeUnit.SECONDS.toNanos(idleExitSeconds);
    watchdog.scheduleWithFixedDelay(() -> {
      if (System.nanoTime() - lastRequest.get() > idleNanos) {
        System.exit(0); // orphaned: nobody has asked for a while
      }
    }, 1, 1, TimeUnit.SECONDS);
    warmUp(server.getAddress().getPort()); // ready means answering fast: the first request is slow in a new JVM
    System.out.println("listening " + server.getAddress().getPort());
    System.out.flush();
  }

  private static void warmUp(int port) {
    try {
      var connection = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + port + "/health")
          .openConnection();
      try (var in = connection.getInputStream()) {
        in.readAllBytes();
      }
    } catch (IOException e) {
      System.err.println("fleet instance: warm-up request failed: " + e); // it still serves; the probes will tell
    }
  }

  private static void answer(HttpExchange exchange, String body, AtomicLong lastRequest) throws IOException {
    lastRequest.set(System.nanoTime());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
