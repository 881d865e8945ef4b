package dev.rollingupgrade.samples.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.rollingupgrade.core.view.HeatMap;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent events of {@code GET /api/events}: one thread reads the backend a few times a
 * second and pushes {@code event: update} with the heat map and the status to every open page when
 * either changed (the clock in the heat map moving alone is no change), and a comment every 15
 * seconds so that a closed page is noticed. Streams stay open after their request handler returns.
 */
final class DashboardEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardEvents.class);
  static final long PERIOD_MILLIS = 200;
  private static final int KEEP_ALIVE_TICKS = (int) (15_000 / PERIOD_MILLIS);
  /** More open pages than this get 503: each costs a write per change. */
  static final int MAX_STREAMS = 32;

  private final DashboardBackend backend;
  private final ScheduledExecutorService timer;
  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private Snapshot last; // only the timer thread touches it
  private int ticks;

  DashboardEvents(DashboardBackend backend) {
    this.backend = backend;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dashboard-events");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The backend now, as the {@code data} of one event. */
  static Snapshot snapshot(DashboardBackend backend) {
    HeatMap map = backend.heatMap();
    String status = DashboardJson.status(backend);
    return new Snapshot(map.scaleSetName(), map.runId(), map.rows(), status,
        "{\"heatMap\":" + map.toJson() + ",\"status\":" + status + "}");
  }

  /**
   * Opens a stream on {@code exchange} (headers and the state now) and keeps it for the pushes.
   *
   * @throws HttpError 503 when {@link #MAX_STREAMS} are open
   */
  void open(HttpExchange exchange) throws IOException {
    if (streams.size() >= MAX_STREAMS) {
      throw new HttpError(503, "TooManyStreams", "the dashboard already serves " + MAX_STREAMS
          + " open pages; close one and reload");
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(200, 0);
    Stream stream = new Stream(exchange);
    // listed before the state is read: a change after this read reaches the page with the next push
    streams.add(stream);
    if (!stream.write("retry: 2000\n\n" + event(snapshot(backend)))) {
      streams.remove(stream);
    }
  }

  /** How many streams are open. */
  int openStreams() {
    return streams.size();
  }

  private void tick() {
    try {
      if (streams.isEmpty()) {
        last = null;
        return;
      }
      Snapshot now = snapshot(backend);
      boolean changed = !now.equals(last);
      last = now;
      boolean keepAlive = ++ticks % KEEP_ALIVE_TICKS == 0;
      if (changed || keepAlive) {
        String text = changed ? event(now) : ": keep-alive\n\n";
        for (Stream s : streams) {
          if (!s.write(text)) {
            streams.remove(s);
          }
        }
      }
    } catch (RuntimeException e) {
      // a backend that failed once must not stop the pushes for good
      LOG.warn("dashboard: reading the backend for the open pages failed: {}", e.toString());
    }
  }

  private static String event(Snapshot s) {
    return "event: update\ndata: " + s.data + "\n\n";
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Stream s : streams) {
      s.close();
    }
    streams.clear();
  }

  /** What a page shows; equal when nothing it shows changed. */
  record Snapshot(String scaleSet, String runId, List<HeatMap.Row> rows, String status, String data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Snapshot s && scaleSet.equals(s.scaleSet) && runId.equals(s.runId) && rows.equals(s.rows)
          && status.equals(s.status);
    }

    @Override
    public int hashCode() {
      return Objects.hash(scaleSet, runId, rows, status);
    }
  }

  /** One open page. */
  private static final class Stream {
    private final HttpExchange exchange;
    private final OutputStream out;
    private boolean closed; // guarded by this

    Stream(HttpExchange exchange) {
      this.exchange = exchange;
      this.out = exchange.getResponseBody();
    }

    /** Writes and flushes; false (and closed) when the page has gone. */
    synchronized boolean write(String text) {
      if (closed) {
        return false;
      }
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
      } catch (IOException e) {
        close();
        return false;
      }
    }

    synchronized void close() {
      if (!closed) {
        closed = true;
        exchange.close();
      }
    }
  }
}
