package dev.rollingupgrade.samples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard: one page that shows a scale set's heat map and run live, and its HTTP API,
 * served by the JDK's built-in {@code com.sun.net.httpserver} (no dependency to keep up to date;
 * a page, a few JSON endpoints and one event stream need no more).
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /}</td><td>the page (self-contained: no CDN, works offline)</td></tr>
 *   <tr><td>{@code GET /api/status}</td><td>scale set, upgrade mode and the current or last run</td></tr>
 *   <tr><td>{@code GET /api/heatmap}</td><td>the heat map JSON ({@code HeatMap.toJson()})</td></tr>
 *   <tr><td>{@code GET /api/events}</td><td>server-sent events: {@code update} with both, on every change</td></tr>
 *   <tr><td>{@code POST /api/upgrade-update-domain}</td><td>{@code {"updateDomain":0}}</td></tr>
 *   <tr><td>{@code POST /api/upgrade-instances}</td><td>{@code {"instanceIds":["0","10"]}}</td></tr>
 *   <tr><td>{@code POST /api/rolling-upgrade}</td><td>{@code {"maxBatchInstancePercent":20}}</td></tr>
 *   <tr><td>{@code POST /api/cancel}</td><td>no body, or {@code {}}</td></tr>
 * </table>
 *
 * <p>An action answers {@code {"message":...,"status":...}}. A refused request answers
 * {@code {"error":{"code":...,"message":...}}} and never a stack trace: 400 for a body that is not
 * JSON or lacks a field or has one of the wrong type, or an input the backend refuses
 * ({@link IllegalArgumentException}); 403 for a foreign {@code Host} or {@code Origin}; 404 for an
 * unknown path; 405 for a wrong method; 409 for an action the backend's state refuses
 * ({@link IllegalStateException}); 413 for a body over {@value #MAX_BODY_BYTES} bytes; 415 for a
 * POST whose {@code Content-Type} is not {@code application/json}.
 *
 * <p>No authentication: whoever reaches the port can start and cancel upgrades. Bound to loopback
 * (the default), it answers only requests whose {@code Host} names the loopback address (against
 * DNS rebinding); a POST must carry {@code application/json} and, when a browser sends an
 * {@code Origin}, come from the page's own origin (against cross-site requests). Thread-safe.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  /** The largest request body accepted. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  /** Most of a refused body read and dropped before the 413 goes out. */
  private static final int DRAIN_BYTES = 1024 * 1024;
  private static final String PAGE_RESOURCE = "dashboard.html";
  private static final Map<String, String> METHODS = Map.of("/", "GET", "/api/status", "GET", "/api/heatmap", "GET",
      "/api/events", "GET", "/api/upgrade-update-domain", "POST", "/api/upgrade-instances", "POST",
      "/api/rolling-upgrade", "POST", "/api/cancel", "POST");

  private final DashboardBackend backend;
  private final HttpServer server;
  private final ExecutorService threads;
  private final DashboardEvents events;
  private final byte[] page;
  private final String pagePolicy;
  private final URI uri;
  private final Set<String> hosts; // empty: any Host (not bound to loopback)

  private DashboardServer(DashboardBackend backend, HttpServer server, ExecutorService threads) {
    this.backend = backend;
    this.server = server;
    this.threads = threads;
    String html = page();
    this.page = html.getBytes(StandardCharsets.UTF_8);
    this.pagePolicy = "default-src 'none'; script-src '" + hash(html, "script") + "'; style-src '"
        + hash(html, "style") + "'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'";
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress() instanceof Inet6Address ? "[" + bound.getAddress().getHostAddress() + "]"
        : bound.getAddress().getHostAddress();
    this.uri = URI.create("http://" + host + ":" + bound.getPort() + "/");
    this.hosts = bound.getAddress().isLoopbackAddress()
        ? Set.copyOf(List.of(host + ":" + bound.getPort(), "localhost:" + bound.getPort(),
            "127.0.0.1:" + bound.getPort(), "[::1]:" + bound.getPort()))
        : Set.of();
    this.events = new DashboardEvents(backend);
  }

  /**
   * Serves {@code backend} on the loopback address.
   *
   * @param port the TCP port, 0 for a free one (see {@link #uri()})
   * @throws IOException if the port cannot be bound
   */
  public static DashboardServer start(DashboardBackend backend, int port) throws IOException {
    return start(backend, InetAddress.getLoopbackAddress(), port);
  }

  /**
   * Serves {@code backend} on {@code address}. Anything but loopback exposes the actions, without
   * authentication, to whoever reaches it.
   *
   * @param port the TCP port, 0 for a free one (see {@link #uri()})
   * @throws IOException if the port cannot be bound
   * @throws IllegalArgumentException if the port is outside 0..65535
   */
  public static DashboardServer start(DashboardBackend backend, InetAddress address, int port) throws IOException {
    Objects.requireNonNull(backend, "backend");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "dashboard-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    DashboardServer dashboard = new DashboardServer(backend, server, threads);
    server.createContext("/", dashboard::handle);
    server.start();
    return dashboard;
  }

  /** Where the page is, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return uri;
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving: closes the open event streams and the port. */
  @Override
  public void close() {
    events.close();
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (HttpError e) {
      answer(exchange, e.status, DashboardJson.error(e.code, e.getMessage()));
    } catch (IOException | UncheckedIOException e) {
      exchange.close(); // the client went away
    } catch (RuntimeException e) {
      LOG.warn("dashboard: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
      answer(exchange, 500, DashboardJson.error("InternalError", "the dashboard could not answer; its log says why"));
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (!hosts.isEmpty() && (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT)))) {
      throw new HttpError(403, "ForbiddenHost", "this dashboard answers only requests for " + uri.getAuthority()
          + " (the Host header must name the loopback address)");
    }
    String path = exchange.getRequestURI().getPath();
    String method = METHODS.get(path);
    if (method == null) {
      throw new HttpError(404, "NotFound", "no such page or endpoint: " + path + " (the API is under /api/: status, "
          + "heatmap, events, upgrade-update-domain, upgrade-instances, rolling-upgrade, cancel)");
    }
    if (!method.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", method);
      throw new HttpError(405, "MethodNotAllowed", path + " takes " + method + ", not "
          + exchange.getRequestMethod());
    }
    switch (path) {
      case "/" -> answerPage(exchange);
      case "/api/status" -> answer(exchange, 200, DashboardJson.status(backend));
      case "/api/heatmap" -> answer(exchange, 200, backend.heatMap().toJson());
      case "/api/events" -> events.open(exchange);
      case "/api/upgrade-update-domain" -> {
        JsonNode body = body(exchange, Set.of("updateDomain"));
        int ud = DashboardJson.intField(body, "updateDomain");
        act(exchange, () -> backend.upgradeUpdateDomain(ud));
      }
      case "/api/upgrade-instances" -> {
        List<String> ids = DashboardJson.stringArray(body(exchange, Set.of("instanceIds")), "instanceIds");
        act(exchange, () -> backend.upgradeInstances(ids));
      }
      case "/api/rolling-upgrade" -> {
        JsonNode body = body(exchange, Set.of("maxBatchInstancePercent"));
        int percent = DashboardJson.intField(body, "maxBatchInstancePercent");
        act(exchange, () -> backend.rollingUpgrade(percent));
      }
      default -> { // "/api/cancel"
        body(exchange, Set.of());
        act(exchange, backend::cancel);
      }
    }
  }

  private void act(HttpExchange exchange, Supplier<String> action) {
    String message;
    try {
      message = action.get();
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "InvalidArgument", Objects.requireNonNullElse(e.getMessage(), "invalid argument"));
    } catch (IllegalStateException e) {
      throw new HttpError(409, "Conflict", Objects.requireNonNullElse(e.getMessage(), "not now"));
    }
    answer(exchange, 200, DashboardJson.actionResult(message, backend));
  }

  /** The POST body as a JSON object, after the checks against cross-site requests and its size. */
  private JsonNode body(HttpExchange exchange, Set<String> fields) throws IOException {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin != null && !hosts.isEmpty() && !origin.equalsIgnoreCase("http://"
        + exchange.getRequestHeaders().getFirst("Host"))) {
      throw new HttpError(403, "ForbiddenOrigin", "actions are taken only from the dashboard's own page, not from "
          + origin);
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new HttpError(415, "UnsupportedMediaType", "send the request body as JSON with Content-Type: "
          + "application/json" + (type == null ? " (no Content-Type was given)" : ", not " + type));
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      if (length != null && declaredLength(length) > MAX_BODY_BYTES) {
        drain(in);
        throw new HttpError(413, "PayloadTooLarge", "the request body may be at most " + MAX_BODY_BYTES + " bytes");
      }
      body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        drain(in);
        throw new HttpError(413, "PayloadTooLarge", "the request body may be at most " + MAX_BODY_BYTES + " bytes");
      }
    }
    return DashboardJson.object(body, fields);
  }

  /**
   * Reads and drops what is left of a refused body, up to {@value #DRAIN_BYTES} bytes: a client
   * still sending would otherwise get a reset instead of the 413 (a longer body is cut off).
   */
  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    long left = DRAIN_BYTES;
    for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
      left -= n;
    }
  }

  private static long declaredLength(String header) {
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // the server has refused such a request already; too large either way
    }
  }

  private void answerPage(HttpExchange exchange) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Content-Security-Policy", pagePolicy);
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    send(exchange, 200, page);
  }

  private static void answer(HttpExchange exchange, int status, String json) {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    try {
      send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      exchange.close(); // the client went away
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String page() {
    try (InputStream in = DashboardServer.class.getResourceAsStream(PAGE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard page " + PAGE_RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CSP source of the page's one inline {@code <tag>} element: {@code sha256-...}. */
  private static String hash(String html, String tag) {
    int start = html.indexOf("<" + tag + ">");
    int end = html.indexOf("</" + tag + ">");
    if (start < 0 || end < start || html.indexOf("<" + tag + ">", start + 1) >= 0) {
      throw new IllegalStateException("the dashboard page must have exactly one <" + tag + "> element");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(html.substring(start + tag.length() + 2, end).getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
