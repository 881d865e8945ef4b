package dev.rollingupgrade.samples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A client of {@code GET /api/events}: the {@code update} events' data, parsed, as they arrive. */
final class EventStream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final AtomicInteger received = new AtomicInteger();
  private volatile Flow.Subscription subscription;
  private CompletableFuture<HttpResponse<Void>> response;

  private EventStream() {}

  static EventStream open(HttpClient http, URI uri) {
    EventStream stream = new EventStream();
    stream.response = http.sendAsync(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.fromLineSubscriber(stream.new Lines()));
    return stream;
  }

  /**
   * The next event's data; fails when none came within {@code bound} (an upper bound against a
   * hung test, not a timing: events come within a fraction of a second).
   */
  JsonNode next(Duration bound) throws Exception {
    String data = events.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(data).as("an event within " + bound).isNotNull();
    return JSON.readTree(data);
  }

  /** Update events received so far. */
  int received() {
    return received.get();
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    response.cancel(true);
  }

  private final class Lines implements Flow.Subscriber<String> {
    private final StringBuilder data = new StringBuilder();
    private String event = "message";

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.isEmpty()) {
        if (event.equals("update") && data.length() > 0) {
          received.incrementAndGet();
          events.add(data.toString());
        }
        data.setLength(0);
        event = "message";
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }
}
