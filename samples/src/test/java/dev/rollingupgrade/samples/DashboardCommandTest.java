package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code dashboard}: its usage errors, and {@code --demo --port 0} serving in a JVM of its own. */
class DashboardCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void withoutDemoItSaysItNeedsItForNow() {
    assertThat(run("dashboard")).isEqualTo(2);
    assertThat(err.toString()).startsWith("dashboard: needs --demo for now");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(run("dashboard", "--demo", "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--port must be between 0 and 65535 (got 70000)");
    assertThat(run("dashboard", "--demo", "--speed", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--speed must be between 1 and 10000 (got 0.0)");
  }

  @Test
  void aPortInUseIsAUsageError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(run("dashboard", "--demo", "--port", Integer.toString(taken.getLocalPort()))).isEqualTo(2);
      assertThat(err.toString()).startsWith("dashboard: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void demoOnPortZeroPrintsItsUrlAndServesTheApi() throws Exception {
    Process process = CliProcess.start("dashboard", "--demo", "--port", "0");
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
      // a bound against a hung child, not a timing: the line comes within a second or two
      String first = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("dashboard: ")) {
              return line;
            }
          }
          return "(the command ended)";
        } catch (java.io.IOException e) {
          return e.toString();
        }
      }).get(2, TimeUnit.MINUTES);
      Matcher url = Pattern.compile("^dashboard: (http://127\\.0\\.0\\.1:(\\d+)/) \\(demo scale set web, clock x20; "
          + "Ctrl-C stops\\)$").matcher(first);
      assertThat(url.matches()).as(first).isTrue();
      assertThat(Integer.parseInt(url.group(2))).isPositive();
      HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(url.group(1)).resolve("/api/status")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(status.body()).isEqualTo("{\"scaleSet\":\"web\",\"upgradeMode\":\"Manual\",\"run\":null}");
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
