package dev.rollingupgrade.core.health;

import dev.rollingupgrade.core.health.ApplicationHealthSettings.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one probe without blocking: an HTTP(S) {@code GET} on the shared {@link HttpClient}, or a
 * TCP connect on an NIO asynchronous channel. The stage completes with the verdict; a failure to
 * connect or answer is an unhealthy verdict, never an exceptional stage. The caller bounds the
 * time (and cancels the stage, which closes the connection). Thread-safe.
 */
final class Prober {
  private final ApplicationHealthSettings settings;
  private final HttpClient http;
  private final Duration timeout;

  Prober(ApplicationHealthSettings settings, HttpClient http, Duration timeout) {
    this.settings = settings;
    this.http = http;
    this.timeout = timeout;
  }

  CompletableFuture<ProbeVerdict> probe(InetSocketAddress address) {
    return settings.protocol() == Protocol.TCP ? tcp(address) : http(address);
  }

  private CompletableFuture<ProbeVerdict> http(InetSocketAddress address) {
    String host = address.getHostString();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    URI uri;
    try {
      uri = URI.create(settings.protocol().azureName() + "://" + host + ":" + address.getPort()
          + settings.requestPath().orElse("/"));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ProbeVerdict.unhealthy("bad address " + address + ": " + e.getMessage()));
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    CompletableFuture<ProbeVerdict> verdict = sent.handle((response, failure) -> failure == null
        ? ProbeVerdict.ofHttp(response.statusCode(), response.body())
        : ProbeVerdict.unhealthy("no answer from " + uri + ": " + describe(failure)));
    verdict.whenComplete((v, e) -> {
      if (verdict.isCancelled()) {
        sent.cancel(true); // gave up: let the client drop the exchange
      }
    });
    return verdict;
  }

  private CompletableFuture<ProbeVerdict> tcp(InetSocketAddress address) {
    CompletableFuture<ProbeVerdict> verdict = new CompletableFuture<>();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      verdict.complete(ProbeVerdict.unhealthy("cannot open a socket: " + e));
      return verdict;
    }
    InetSocketAddress target = address.isUnresolved()
        ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
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
    return verdict;
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
