package dev.rollingupgrade.samples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.core.view.CellState;
import dev.rollingupgrade.core.view.HeatMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The dashboard's HTTP API against a stub backend: what it answers, and how it refuses bad requests. */
class DashboardApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private StubBackend backend;
  private DashboardServer server;

  @BeforeEach
  void start() throws IOException {
    backend = new StubBackend("0", "1", "2", "3", "10");
    server = DashboardServer.start(backend, 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
  }

  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(server.uri().resolve(path)).POST(BodyPublishers.ofString(body));
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    return send(r);
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return post(path, "application/json", json);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
  }

  /** A refusal: the status, {"error":{"code","message"}} and nothing else, and no trace of a stack. */
  private static void assertRefused(HttpResponse<String> r, int status, String code, String inMessage)
      throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertNoStackTrace(r.body());
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.size()).isEqualTo(1);
    assertThat(body.path("error").path("code").asText()).isEqualTo(code);
    assertThat(body.path("error").path("message").isTextual()).isTrue();
    assertThat(body.path("error").path("message").asText()).contains(inMessage);
  }

  private static void assertNoStackTrace(String body) {
    assertThat(body).doesNotContain("Exception", "at dev.", "at java.", "\tat ", "com.fasterxml", "Caused by");
  }

  @Test
  void statusBeforeAnyRunNamesTheSetAndItsMode() throws Exception {
    HttpResponse<String> r = get("/api/status");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(r.body()).isEqualTo("{\"scaleSet\":\"web\",\"upgradeMode\":\"Manual\",\"run\":null}");
  }

  @Test
  void statusOfARunHasItsStateProgressAndError() throws Exception {
    backend.run(RollingUpgradeStatusCode.FAULTED, 2, 1, 0, 1, "instance 13 never became healthy");
    JsonNode run = JSON.readTree(get("/api/status").body()).path("run");
    assertThat(run.path("runId").asText()).isEqualTo("web-1");
    assertThat(run.path("description").asText()).isEqualTo("upgrade of update domain 0");
    assertThat(run.path("state").asText()).isEqualTo("Faulted");
    assertThat(run.path("running").asBoolean(true)).isFalse();
    assertThat(run.path("startTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(run.path("progress").toString())
        .isEqualTo("{\"succeeded\":2,\"failed\":1,\"inProgress\":0,\"pending\":1,\"total\":4}");
    assertThat(run.path("error").toString())
        .isEqualTo("{\"code\":\"UpgradeFailed\",\"message\":\"instance 13 never became healthy\"}");
    assertThat(run.path("azure").path("properties").path("runningStatus").path("code").asText()).isEqualTo("Faulted");

    backend.run(RollingUpgradeStatusCode.ROLLING_FORWARD, 0, 0, 2, 2, null);
    run = JSON.readTree(get("/api/status").body()).path("run");
    assertThat(run.path("running").asBoolean(false)).isTrue();
    assertThat(run.path("error").isNull()).isTrue();
  }

  @Test
  void heatMapIsTheBackendsMapAsJson() throws Exception {
    backend.state("2", CellState.HEALTHY);
    HttpResponse<String> r = get("/api/heatmap");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(backend.heatMap().toJson());
    HeatMap map = HeatMap.fromJson(r.body());
    assertThat(map.rows()).extracting(HeatMap.Row::updateDomain).containsExactly(0, 1);
    assertThat(map.cell("2").orElseThrow().state()).isEqualTo(CellState.HEALTHY);
  }

  @Test
  void eachActionReachesTheBackendWithItsArgumentsAndAnswersItsMessageAndTheStatus() throws Exception {
    backend.onAction(() -> "started");
    HttpResponse<String> r = post("/api/upgrade-update-domain", "{\"updateDomain\":1}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("message").asText()).isEqualTo("started");
    assertThat(body.path("status").path("scaleSet").asText()).isEqualTo("web");
    assertThat(post("/api/upgrade-instances", "{\"instanceIds\":[\"10\",\"2\"]}").statusCode()).isEqualTo(200);
    assertThat(post("/api/rolling-upgrade", "application/json; charset=UTF-8", "{\"maxBatchInstancePercent\":35}")
        .statusCode()).isEqualTo(200);
    assertThat(post("/api/cancel", "").statusCode()).isEqualTo(200);
    assertThat(post("/api/cancel", "{}").statusCode()).isEqualTo(200);
    assertThat(backend.calls()).containsExactly("upgradeUpdateDomain 1", "upgradeInstances [10, 2]",
        "rollingUpgrade 35", "cancel", "cancel");
  }

  @Test
  void theBackendsRefusalsAre400And409WithItsMessage() throws Exception {
    backend.onAction(() -> {
      throw new IllegalArgumentException("scale set web has no instances 7, 8; nothing was upgraded");
    });
    assertRefused(post("/api/upgrade-instances", "{\"instanceIds\":[\"7\",\"8\"]}"), 400, "InvalidArgument",
        "scale set web has no instances 7, 8; nothing was upgraded");
    backend.onAction(() -> {
      throw new IllegalStateException("run web-1 is in progress: wait for it or cancel it");
    });
    assertRefused(post("/api/rolling-upgrade", "{\"maxBatchInstancePercent\":20}"), 409, "Conflict",
        "run web-1 is in progress");
  }

  @Test
  void aBackendFailureIs500WithoutItsDetails() throws Exception {
    backend.onAction(() -> {
      throw new UnsupportedOperationException("internal detail at dev.rollingupgrade.Secret");
    });
    HttpResponse<String> r = post("/api/cancel", "{}");
    assertRefused(r, 500, "InternalError", "the dashboard could not answer");
    assertThat(r.body()).doesNotContain("internal detail");
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":", "InvalidJson", "not valid JSON"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":0} {}", "InvalidJson",
            "not valid JSON: more follows its value (line 1, column 20)"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":0,\"updateDomain\":1}", "InvalidJson",
            "Duplicate field"),
        Arguments.of("/api/upgrade-update-domain", "[0]", "InvalidRequest", "must be a JSON object, got an array"),
        Arguments.of("/api/upgrade-update-domain", "{}", "InvalidRequest", "missing field updateDomain"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":\"0\"}", "InvalidRequest",
            "field updateDomain must be a whole number, got a string"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":0.5}", "InvalidRequest",
            "field updateDomain must be a whole number, got a decimal number"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":null}", "InvalidRequest",
            "must be a whole number, got null"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":99999999999}", "InvalidRequest",
            "field updateDomain is out of range: 99999999999"),
        Arguments.of("/api/upgrade-update-domain", "{\"updateDomain\":0,\"force\":true}", "InvalidRequest",
            "unknown field force: this request takes updateDomain"),
        Arguments.of("/api/upgrade-instances", "{}", "InvalidRequest", "missing field instanceIds"),
        Arguments.of("/api/upgrade-instances", "{\"instanceIds\":\"0\"}", "InvalidRequest",
            "field instanceIds must be an array of strings, got a string"),
        Arguments.of("/api/upgrade-instances", "{\"instanceIds\":[\"0\",1]}", "InvalidRequest",
            "field instanceIds must hold only strings, got the number 1"),
        Arguments.of("/api/rolling-upgrade", "{\"maxBatchInstancePercent\":true}", "InvalidRequest",
            "must be a whole number, got a boolean"),
        Arguments.of("/api/cancel", "{\"now\":1}", "InvalidRequest", "this request takes no fields"),
        Arguments.of("/api/cancel", "nonsense", "InvalidJson", "not valid JSON"));
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void aBadBodyIs400NamingTheProblemAndReachesNoBackend(String path, String body, String code, String message)
      throws Exception {
    assertRefused(post(path, body), 400, code, message);
    assertThat(backend.calls()).isEmpty();
  }

  @Test
  void anUnknownPathIs404() throws Exception {
    assertRefused(get("/api/nope"), 404, "NotFound", "no such page or endpoint: /api/nope");
    assertRefused(post("/index.html", "{}"), 404, "NotFound", "/index.html");
  }

  @Test
  void aWrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r = get("/api/cancel");
    assertRefused(r, 405, "MethodNotAllowed", "/api/cancel takes POST, not GET");
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    r = post("/api/status", "{}");
    assertRefused(r, 405, "MethodNotAllowed", "/api/status takes GET, not POST");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    assertRefused(send(HttpRequest.newBuilder(server.uri().resolve("/api/heatmap"))
        .method("DELETE", BodyPublishers.noBody())), 405, "MethodNotAllowed", "takes GET, not DELETE");
    assertThat(backend.calls()).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIs413WithOrWithoutALength() throws Exception {
    String big = "{\"instanceIds\":[\"" + "x".repeat(DashboardServer.MAX_BODY_BYTES) + "\"]}";
    assertRefused(post("/api/upgrade-instances", big), 413, "PayloadTooLarge", "at most 65536 bytes");
    // chunked: no Content-Length, so the limit applies while reading
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher chunked = BodyPublishers.fromPublisher(subscriber -> {
      BodyPublishers.ofByteArray(bytes).subscribe(subscriber);
    });
    assertRefused(send(HttpRequest.newBuilder(server.uri().resolve("/api/upgrade-instances"))
        .header("Content-Type", "application/json").POST(chunked)), 413, "PayloadTooLarge", "at most");
    assertThat(backend.calls()).isEmpty();
  }

  @Test
  void aPostThatIsNotJsonIs415() throws Exception {
    assertRefused(post("/api/upgrade-update-domain", "text/plain", "{\"updateDomain\":0}"), 415,
        "UnsupportedMediaType", "Content-Type: application/json, not text/plain");
    assertRefused(post("/api/cancel", "application/x-www-form-urlencoded", "a=b"), 415, "UnsupportedMediaType",
        "application/json");
    assertRefused(post("/api/cancel", null, ""), 415, "UnsupportedMediaType", "no Content-Type was given");
    assertThat(backend.calls()).isEmpty();
  }

  @Test
  void anotherSitesRequestIs403() throws Exception {
    assertRefused(send(HttpRequest.newBuilder(server.uri().resolve("/api/cancel"))
        .header("Content-Type", "application/json").header("Origin", "http://evil.example")
        .POST(BodyPublishers.ofString("{}"))), 403, "ForbiddenOrigin", "not from http://evil.example");
    // DNS rebinding: a foreign name resolving to 127.0.0.1
    String raw = rawRequest("GET /api/status HTTP/1.1\r\nHost: evil.example:" + server.port()
        + "\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 403 ");
    assertThat(raw).contains("\"code\":\"ForbiddenHost\"");
    assertNoStackTrace(raw);
    assertThat(backend.calls()).isEmpty();
  }

  @Test
  void thePageComesFromItsOwnFileWithAStrictPolicy() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .startsWith("default-src 'none'; script-src 'sha256-").contains("connect-src 'self'");
    // works offline and never parses data as HTML
    assertThat(r.body()).contains("<title>Rolling upgrade dashboard</title>")
        .doesNotContain("http://", "https://", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write");
  }

  @Test
  void eventsPushTheStateNowAndAgainAfterAChangeOnly() throws Exception {
    try (EventStream events = EventStream.open(http, server.uri().resolve("/api/events"))) {
      JsonNode first = events.next(Duration.ofSeconds(30));
      assertThat(first.path("heatMap").path("counts").path("outOfDate").asInt()).isEqualTo(5);
      assertThat(first.path("status").path("run").isNull()).isTrue();
      backend.tick(); // only the clock moved: no event
      backend.state("10", CellState.UPGRADING);
      JsonNode second = events.next(Duration.ofSeconds(30));
      assertThat(second.path("heatMap").path("counts").path("upgrading").asInt()).isEqualTo(1);
      backend.run(RollingUpgradeStatusCode.ROLLING_FORWARD, 0, 0, 1, 0, null);
      JsonNode third = events.next(Duration.ofSeconds(30));
      assertThat(third.path("status").path("run").path("state").asText()).isEqualTo("RollingForward");
      assertThat(events.received()).isEqualTo(3);
    }
  }

  @Test
  void aChangeIsWhatThePageShowsNotTheClock() {
    DashboardEvents.Snapshot before = DashboardEvents.snapshot(backend);
    backend.tick();
    DashboardEvents.Snapshot ticked = DashboardEvents.snapshot(backend);
    assertThat(ticked.data()).isNotEqualTo(before.data()); // the map's time moved
    assertThat(ticked).isEqualTo(before);
    backend.state("3", CellState.FAILED);
    DashboardEvents.Snapshot failed = DashboardEvents.snapshot(backend);
    assertThat(failed).isNotEqualTo(ticked);
    backend.run(RollingUpgradeStatusCode.CANCELLED, 0, 0, 0, 4, null); // a run: its status and the map's run id
    assertThat(DashboardEvents.snapshot(backend)).isNotEqualTo(failed);
  }

  private String rawRequest(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(30_000); // a bound against a hung server, not a timing
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
