package dev.rollingupgrade.samples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's page in a real browser (Debian's headless Chromium, through chromedriver):
 * it loads, shows one row per update domain, and a click on "Upgrade UD 0" moves exactly update
 * domain 0 of a simulated scale set. Skipped when Chromium is not installed, unless the
 * environment variable {@code DASHBOARD_BROWSER_REQUIRED} is {@code 1} (CI): then it fails.
 */
class DashboardBrowserTest {
  /** An upper bound against a hung page, not a timing: the demo's UD 0 takes a few seconds. */
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String CELLS = "return Array.from(document.querySelectorAll('#heatmap-rows .cell'))"
      + ".map(c => [c.getAttribute('data-instance'), Number(c.getAttribute('data-ud')), c.getAttribute('data-state'),"
      + " c.textContent]);";

  @TempDir
  static Path work;
  private static Chromium browser;

  @BeforeAll
  static void startBrowser() throws Exception {
    if (!Chromium.installed()) {
      if ("1".equals(System.getenv("DASHBOARD_BROWSER_REQUIRED"))) {
        fail("DASHBOARD_BROWSER_REQUIRED=1 but " + Chromium.BROWSER + " or " + Chromium.DRIVER + " is missing: "
            + "apt-get install chromium chromium-driver");
      }
      assumeTrue(false, "no " + Chromium.BROWSER + " and " + Chromium.DRIVER + " (apt-get install chromium "
          + "chromium-driver); set DASHBOARD_BROWSER_REQUIRED=1 to fail instead");
    }
    browser = Chromium.start(work);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
      assertThat(browser.alive()).as("browser processes left behind").isEmpty();
    }
  }

  /** Waits (in the page, a poll at a time) until {@code script} returns true; fails after {@link #BOUND}. */
  private static void await(String what, String script) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!browser.executeAfter(POLL, script).asBoolean(false)) {
      if (System.nanoTime() > deadline) {
        fail("the page did not show " + what + " within " + BOUND + "; it shows " + browser.execute(CELLS));
      }
    }
  }

  @Test
  void aClickOnUpgradeUd0MovesExactlyUpdateDomain0() throws Exception {
    try (DemoBackend demo = DemoBackend.create().startClock(60);
        DashboardServer server = DashboardServer.start(demo, 0)) {
      browser.navigate(server.uri());
      await("the heat map, live", "return document.querySelectorAll('#heatmap-rows tr').length > 0"
          + " && document.getElementById('connection').getAttribute('data-connection') === 'live';");
      JsonNode rows = browser.execute("return Array.from(document.querySelectorAll('#heatmap-rows tr')).map(r =>"
          + " [r.querySelector('th').textContent, r.getAttribute('data-ud'), r.querySelectorAll('.cell').length]);");
      assertThat(rows.toString()).isEqualTo("[[\"UD 0\",\"0\",4],[\"UD 1\",\"1\",4],[\"UD 2\",\"2\",4],"
          + "[\"UD 3\",\"3\",4],[\"UD 4\",\"4\",4]]");
      assertThat(cells()).hasSize(20).allSatisfy(c -> assertThat(c.state()).isEqualTo("outOfDate"));
      assertThat(browser.execute("return document.getElementById('mode').textContent;").asText()).isEqualTo("Manual");

      browser.click("return document.querySelector('[data-action=\"upgrade-ud\"][data-ud=\"0\"]');");

      long deadline = System.nanoTime() + BOUND.toNanos();
      List<Cell> now;
      boolean moved = false;
      while (true) {
        now = cells(browser.executeAfter(POLL, CELLS));
        for (Cell c : now) {
          if (c.ud() != 0) {
            assertThat(c.state()).as("instance %s of UD %d while UD 0 upgrades", c.id(), c.ud())
                .isEqualTo("outOfDate");
          } else if (!c.state().equals("outOfDate")) {
            moved = true;
          }
        }
        if (now.stream().filter(c -> c.ud() == 0).allMatch(c -> c.state().equals("healthy"))) {
          break;
        }
        if (System.nanoTime() > deadline) {
          fail("UD 0 did not become healthy within " + BOUND + ": " + now);
        }
      }
      assertThat(moved).isTrue();
      await("the run completed", "return document.getElementById('run-state').getAttribute('data-state')"
          + " === 'Completed';");
      assertThat(cells(browser.execute(CELLS))).filteredOn(c -> c.ud() != 0)
          .allSatisfy(c -> assertThat(c.state()).isEqualTo("outOfDate"));
      assertThat(browser.execute("return document.getElementById('message').textContent;").asText())
          .startsWith("started the upgrade of update domain 0: run web-");
      // the fleet agrees: UD 0's instances, and no other, were upgraded
      assertThat(demo.fleet().stateChangingCalls()).extracting(c -> c.instanceId())
          .containsExactlyInAnyOrder("0", "1", "10", "11");
    }
  }

  @Test
  void idsAreShownAsTextAndChosenInstancesAreUpgradedByName() throws Exception {
    List<String> ids = List.of("<img src=x onerror=\"window.pwned=1\">", "<b>bold</b>",
        "\"><script>window.pwned=2</script>", "plain");
    StubBackend stub = new StubBackend(ids.toArray(String[]::new));
    stub.onAction(() -> "started");
    try (DashboardServer server = DashboardServer.start(stub, 0)) {
      browser.navigate(server.uri());
      await("the heat map", "return document.querySelectorAll('#heatmap-rows .cell').length === 4;");
      assertThat(cells()).extracting(Cell::id).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(cells()).allSatisfy(c -> assertThat(c.text()).isEqualTo(c.id()));
      assertThat(browser.execute("return document.querySelectorAll('#heatmap-rows img, #heatmap-rows b,"
          + " #heatmap-rows script').length;").asInt()).isZero();
      assertThat(browser.execute("return typeof window.pwned;").asText()).isEqualTo("undefined");

      String byId = "return Array.from(document.querySelectorAll('#heatmap-rows .cell'))"
          + ".find(c => c.getAttribute('data-instance') === arguments[0]);";
      browser.click(byId, "<b>bold</b>");
      browser.click(byId, "plain");
      browser.click("return document.getElementById('upgrade-selected');");
      await("the answer", "return document.getElementById('message').getAttribute('data-kind') === 'ok';");
      assertThat(stub.calls()).containsExactly("upgradeInstances [<b>bold</b>, plain]");

      stub.onAction(() -> {
        throw new IllegalStateException("run web-1 is <i>in progress</i>");
      });
      browser.execute("document.getElementById('batch-percent').value = '35';");
      browser.click("return document.getElementById('rolling-upgrade');");
      await("the refusal", "return document.getElementById('message').getAttribute('data-kind') === 'error';");
      assertThat(browser.execute("return document.getElementById('message').textContent;").asText())
          .isEqualTo("run web-1 is <i>in progress</i>");
      assertThat(stub.calls()).containsExactly("upgradeInstances [<b>bold</b>, plain]", "rollingUpgrade 35");
    }
  }

  private record Cell(String id, int ud, String state, String text) {}

  private static List<Cell> cells() throws Exception {
    return cells(browser.execute(CELLS));
  }

  private static List<Cell> cells(JsonNode list) {
    List<Cell> out = new ArrayList<>();
    for (JsonNode c : list) {
      out.add(new Cell(c.get(0).asText(), c.get(1).asInt(), c.get(2).asText(), c.get(3).asText()));
    }
    return out;
  }
}
