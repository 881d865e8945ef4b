package dev.rollingupgrade.samples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver protocol, spoken as JSON over
 * {@code java.net.http}: no Selenium. {@link #close()} quits the session and ends chromedriver and
 * every browser process it started.
 */
final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A bound against a hung browser, not a timing: each command takes milliseconds. */
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(60);

  private final Process driver;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<ProcessHandle> started = new ArrayList<>();
  private String session;

  private Chromium(Process driver, URI base) {
    this.driver = driver;
    this.base = base;
  }

  /** Whether both programs are installed. */
  static boolean installed() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }

  /** Starts chromedriver on a free loopback port and a headless browser with a fresh profile in {@code work}. */
  static Chromium start(Path work) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process process = new ProcessBuilder(DRIVER.toString(), "--port=" + port).redirectErrorStream(true).start();
    Chromium chromium = new Chromium(process, URI.create("http://127.0.0.1:" + port));
    try {
      chromium.awaitReady();
      chromium.openSession(Files.createTempDirectory(work, "chromium-profile"));
      return chromium;
    } catch (Exception | AssertionError e) {
      chromium.close();
      throw e;
    }
  }

  private void awaitReady() throws InterruptedException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(driver.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the driver ended
      }
      lines.add("<end>");
    }, "chromedriver-output");
    reader.setDaemon(true);
    reader.start();
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + COMMAND_BOUND.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || line.equals("<end>")) {
        throw new AssertionError("chromedriver did not start; it said:\n" + seen);
      }
      seen.append(line).append('\n');
      if (line.contains("started successfully")) {
        return;
      }
    }
  }

  private void openSession(Path profile) throws Exception {
    ObjectNode options = JSON.createObjectNode();
    options.put("binary", BROWSER.toString());
    var args = options.putArray("args");
    for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,900", "--user-data-dir=" + profile)) {
      args.add(a);
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode always = body.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    always.set("goog:chromeOptions", options);
    session = command("POST", "/session", body).path("sessionId").asText();
    driver.descendants().forEach(started::add);
  }

  /** Opens {@code uri} and waits for it to load. */
  void navigate(URI uri) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("url", uri.toString());
    command("POST", "/session/" + session + "/url", body);
  }

  /** Runs {@code script} (a function body; {@code arguments} holds {@code args}) and returns its value. */
  JsonNode execute(String script, Object... args) throws Exception {
    return command("POST", "/session/" + session + "/execute/sync", script(script, args));
  }

  /**
   * Runs {@code script} after {@code delay} in the page (the browser waits, not the test), for
   * polling the page at a measured pace.
   */
  JsonNode executeAfter(Duration delay, String script, Object... args) throws Exception {
    String wrapped = "const done = arguments[arguments.length - 1];"
        + "const args = Array.prototype.slice.call(arguments, 0, arguments.length - 1);"
        + "setTimeout(() => done((function() {" + script + "}).apply(null, args)), " + delay.toMillis() + ");";
    return command("POST", "/session/" + session + "/execute/async", script(wrapped, args));
  }

  /** The element {@code script} returns (a WebDriver reference), clicked. */
  void click(String script, Object... args) throws Exception {
    JsonNode element = execute(script, args);
    String id = element.path(ELEMENT).asText("");
    if (id.isEmpty()) {
      throw new AssertionError("no element to click: " + script + " returned " + element);
    }
    command("POST", "/session/" + session + "/element/" + id + "/click", JSON.createObjectNode());
  }

  private ObjectNode script(String script, Object... args) {
    ObjectNode body = JSON.createObjectNode();
    body.put("script", script);
    var list = body.putArray("args");
    for (Object a : args) {
      list.add(JSON.valueToTree(a));
    }
    return body;
  }

  private JsonNode command(String method, String path, JsonNode body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(COMMAND_BOUND);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode value = JSON.readTree(response.body()).path("value");
    if (response.statusCode() != 200) {
      throw new AssertionError("WebDriver " + method + " " + path + " failed (" + response.statusCode() + "): "
          + value.path("error").asText() + ": " + value.path("message").asText());
    }
    return value;
  }

  /** Quits the browser and ends chromedriver; no process it started outlives this call. */
  @Override
  public void close() {
    try {
      if (session != null) {
        command("DELETE", "/session/" + session, null);
      }
    } catch (Exception | AssertionError e) {
      // the processes are ended below either way
    } finally {
      driver.descendants().forEach(started::add);
      driver.destroy();
      started.forEach(ProcessHandle::destroyForcibly);
      try {
        if (!driver.waitFor(30, TimeUnit.SECONDS)) { // a bound, not a timing
          driver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (ProcessHandle p : started) {
          p.onExit().get(30, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        throw new IllegalStateException("a browser process did not end: " + e);
      }
    }
  }

  /** Processes chromedriver started that are still alive (none after {@link #close()}). */
  List<ProcessHandle> alive() {
    List<ProcessHandle> out = new ArrayList<>(started.stream().filter(ProcessHandle::isAlive).toList());
    if (driver.isAlive()) {
      out.add(driver.toHandle());
    }
    return out;
  }
}
