package dev.rollingupgrade.core.health;

import dev.rollingupgrade.core.health.ApplicationHealthSettings.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one probe without blocking the caller: an HTTP(S) {@code GET} on an {@link HttpClient}
 * (by default {@link #sharedClient()}, one per JVM), or a TCP connect on an NIO asynchronous
 * channel. A host name (an unresolved address) is first resolved on a few threads of its own
 * ({@link #resolverThreads()}), never on the caller's, so slow DNS counts against the probe's
 * deadline like anything else. The stage completes with the verdict; a failure to resolve, connect
 * or answer is an unhealthy verdict, never an exceptional stage. The caller bounds the time (and
 * cancels the stage, which closes the connection). Thread-safe.
 */
final class Prober {
  /** Name resolution: {@link InetAddress#getByName} by default; tests give a slow or failing one. */
  @FunctionalInterface
  interface NameService {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  private final ApplicationHealthSettings settings;
  private final HttpClient http;
  private final Duration timeout;
  private final NameService names;

  Prober(ApplicationHealthSettings settings, HttpClient http, Duration timeout, NameService names) {
    this.settings = settings;
    this.http = http;
    this.timeout = timeout;
    this.names = names;
  }

  /** The JVM's one default client and the few daemon threads behind it, made on first use. */
  private static final class Shared {
    static final ExecutorService HTTP_THREADS = Executors.newFixedThreadPool(
        Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), daemons("health-probe-http-"));
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).executor(HTTP_THREADS).build();
    static final ExecutorService DNS_THREADS = Executors.newFixedThreadPool(4, daemons("health-probe-dns-"));
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The default client of every signal in the JVM: HTTP/1.1, no redirects, tasks on a few daemon
   * threads. Shared, so that signals built and closed leave no client (and its selector thread)
   * behind: on Java 17 an {@link HttpClient} cannot be closed.
   */
  static HttpClient sharedClient() {
    return Shared.CLIENT;
  }

  /** The threads host names are resolved on (four daemon threads, shared by every signal). */
  static ExecutorService resolverThreads() {
    return Shared.DNS_THREADS;
  }

  CompletableFuture<ProbeVerdict> probe(InetSocketAddress address) {
    CompletableFuture<ProbeVerdict> verdict = new CompletableFuture<>();
    if (!address.isUnresolved()) {
      send(address, address, verdict);
      return verdict;
    }
    try {
      resolverThreads().execute(() -> {
        if (verdict.isDone()) {
          return; // given up (deadline) before its turn came
        }
        InetAddress ip;
        try {
          ip = names.resolve(address.getHostString());
        } catch (UnknownHostException | RuntimeException e) {
          verdict.complete(ProbeVerdict.unhealthy("cannot resolve " + address.getHostString() + ": " + describe(e)));
          return;
        }
        send(address, new InetSocketAddress(ip, address.getPort()), verdict);
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      verdict.complete(ProbeVerdict.unhealthy("cannot resolve " + address.getHostString() + ": " + e));
    }
    return verdict;
  }

  /** Probes {@code resolved}; HTTP names {@code named} in its URI (the Host header and TLS name). */
  private void send(InetSocketAddress named, InetSocketAddress resolved, CompletableFuture<ProbeVerdict> verdict) {
    if (verdict.isDone()) {
      return;
    }
    if (settings.protocol() == Protocol.TCP) {
      tcp(resolved, verdict);
    } else {
      http(named, verdict);
    }
  }

  private void http(InetSocketAddress address, CompletableFuture<ProbeVerdict> verdict) {
    String host = address.getHostString();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    URI uri;
    try {
      uri = URI.create(settings.protocol().azureName() + "://" + host + ":" + address.getPort()
          + settings.requestPath().orElse("/"));
    } catch (IllegalArgumentException e) {
      verdict.complete(ProbeVerdict.unhealthy("bad address " + address + ": " + e.getMessage()));
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    sent.whenComplete((response, failure) -> verdict.complete(failure == null
        ? ProbeVerdict.ofHttp(response.statusCode(), response.body())
        : ProbeVerdict.unhealthy("no answer from " + uri + ": " + describe(failure))));
    verdict.whenComplete((v, e) -> {
      if (verdict.isCancelled()) {
        sent.cancel(true); // gave up: let the client drop the exchange
      }
    });
  }

  private void tcp(InetSocketAddress target, CompletableFuture<ProbeVerdict> verdict) {
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      verdict.complete(ProbeVerdict.unhealthy("cannot open a socket: " + e));
      return;
    }
    verdict.whenComplete((v, e) -> close(channel)); // done, failed or given up: the connection goes
    try {
      channel.connect(target, null, new CompletionHandler<Void, Void>() {
        @Override
        public void completed(Void result, Void attachment) {
          verdict.complete(ProbeVerdict.healthy("TCP connection to " + target + " opened"));
        }

        @Override
        public void failed(Throwable failure, Void attachment) {
          verdict.complete(ProbeVerdict.unhealthy("TCP connection to " + target + " failed: " + describe(failure)));
        }
      });
    } catch (RuntimeException e) {
      verdict.complete(ProbeVerdict.unhealthy("TCP connection to " + target + " failed: " + describe(e)));
    }
  }

  private static void close(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to do with it
    }
  }

  private static String describe(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
  }
}
