package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.health.ApplicationHealthSettings;
import dev.rollingupgrade.core.health.ApplicationHealthSignal;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark's health figures: {@code probe-ratio}, how one sweep of many real HTTP probes
 * compares with one probe, and {@code fleet}, the {@code fleet} sample's makespan over its lower
 * bound. Real time, real sockets, real processes.
 */
final class HealthBench {
  /** How long each benchmark endpoint takes to answer: an application that thinks a little. */
  static final Duration ANSWER = Duration.ofMillis(250);

  private HealthBench() {}

  /**
   * Wall time of one health sweep of {@code endpoints} loopback HTTP endpoints (each its own port,
   * answering after {@link #ANSWER}) divided by the time of one probe of one such endpoint (the
   * median of five), in the steady state of a signal that probes every interval: connections
   * open, code warm. A sweep is forced by telling the signal that every instance restarted (it
   * probes each at once) and ends when each has pushed its healthy state. The signal runs on a
   * scheduler of two threads.
   */
  static double probeRatio(int endpoints) {
    try (EndpointFarm farm = new EndpointFarm(endpoints, ANSWER);
        SystemScheduler scheduler = SystemScheduler.withThreads(2);
        ApplicationHealthSignal signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(80, "/health")
            .withInterval(Duration.ofSeconds(60)).withGracePeriod(Duration.ofSeconds(60)))
            .probeTimeout(Duration.ofSeconds(30)).scheduler(scheduler)
            .resolver((set, id, port) -> new InetSocketAddress("127.0.0.1", farm.port(Integer.parseInt(id))))
            .build()) {
      AtomicReference<CountDownLatch> healthy = new AtomicReference<>(new CountDownLatch(0));
      signal.subscribe("bench", (id, state) -> {
        if (state == HealthState.HEALTHY) {
          healthy.get().countDown();
        }
      });
      List<String> all = new ArrayList<>();
      for (int i = 0; i < endpoints; i++) {
        all.add(String.valueOf(i));
      }
      List<CompletableFuture<HealthState>> first = new ArrayList<>();
      all.forEach(id -> first.add(signal.health("bench", id).toCompletableFuture())); // opens the connections
      CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).join();
      for (int w = 0; w < 3; w++) {
        sweep(signal, healthy, all); // warms the code up
      }
      double[] one = new double[5];
      for (int i = 0; i < one.length; i++) {
        one[i] = sweep(signal, healthy, List.of(all.get(i)));
      }
      Arrays.sort(one);
      return sweep(signal, healthy, all) / one[one.length / 2];
    }
  }

  /** Nanoseconds until every instance of {@code ids} answered healthy again after being probed at once. */
  private static double sweep(ApplicationHealthSignal signal, AtomicReference<CountDownLatch> healthy, List<String> ids) {
    ids.forEach(id -> signal.instanceRestarting("bench", id)); // INITIALIZING, until the next probe says otherwise
    CountDownLatch done = new CountDownLatch(ids.size());
    healthy.set(done);
    long start = System.nanoTime();
    ids.forEach(id -> signal.instanceRestarted("bench", id)); // each is probed now
    try {
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the probe benchmark saw " + done.getCount() + " of " + ids.size()
            + " endpoints not healthy within 60 s (too few file descriptors? see ulimit -n)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return System.nanoTime() - start;
  }

  /**
   * The {@code fleet} sample's duration over its lower bound (per batch, the longest restart of
   * its instances, in which the new version listens and serves), for {@code instances} processes
   * after a warm-up run of two.
   */
  static double fleetRatio(int instances) {
    Path dir;
    try {
      dir = Files.createTempDirectory("bench-fleet");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a directory for the fleet benchmark", e);
    }
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    try {
      run(dir.resolve("warm-up"), 2, quiet);
      LocalFleet.Result r = run(dir.resolve("measured"), instances, quiet);
      return (double) r.makespan().toNanos() / r.lowerBound().toNanos();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind
      }
    }
  }

  private static LocalFleet.Result run(Path dir, int instances, PrintWriter out) {
    LocalFleet.Result r = LocalFleet.run(new LocalFleet.Options(instances, 0, 0, false, dir, Duration.ofMillis(100),
        Duration.ofSeconds(30), Duration.ofSeconds(60), 60), out);
    if (r.end().progress().orElseThrow().successfulInstanceCount() != instances) {
      throw new IllegalStateException("the fleet benchmark run did not upgrade every instance: " + r.end());
    }
    return r;
  }

  /**
   * Many HTTP endpoints on loopback, each on its own port, served by one selector thread: each
   * request is answered (keep-alive, an empty 200) {@code answer} after it arrived, from a timer.
   */
  static final class EndpointFarm implements AutoCloseable {
    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    private final Selector selector;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Thread loop;
    private final Duration answer;
    private volatile boolean open = true;

    EndpointFarm(int n, Duration answer) {
      this.answer = answer;
      try {
        selector = Selector.open();
        for (int i = 0; i < n; i++) {
          ServerSocketChannel s = ServerSocketChannel.open();
          s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
          s.configureBlocking(false);
          s.register(selector, SelectionKey.OP_ACCEPT);
          servers.add(s);
        }
      } catch (IOException e) {
        close();
        throw new UncheckedIOException("cannot open " + n + " loopback endpoints (ulimit -n?)", e);
      }
      loop = new Thread(this::serve, "bench-endpoints");
      loop.setDaemon(true);
      loop.start();
    }

    int port(int i) {
      return servers.get(i).socket().getLocalPort();
    }

    private void serve() {
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (open) {
        try {
          selector.select(100);
          for (SelectionKey key : selector.selectedKeys()) {
            if (!key.isValid()) {
              continue;
            }
            if (key.isAcceptable()) {
              SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
              if (c != null) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, new StringBuilder());
              }
            } else if (key.isReadable()) {
              read(key, buffer);
            }
          }
          selector.selectedKeys().clear();
        } catch (IOException e) {
          // one connection's trouble; the others go on
        }
      }
    }

    private void read(SelectionKey key, ByteBuffer buffer) {
      SocketChannel c = (SocketChannel) key.channel();
      StringBuilder pending = (StringBuilder) key.attachment();
      buffer.clear();
      int n;
      try {
        n = c.read(buffer);
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0) {
        key.cancel();
        closeQuietly(c);
        return;
      }
      pending.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
      int end;
      while ((end = pending.indexOf("\r\n\r\n")) >= 0) { // one request (GET, no body) per header block
        pending.delete(0, end + 4);
        timer.schedule(() -> {
          try {
            c.write(ByteBuffer.wrap(RESPONSE)); // a few bytes: the socket buffer takes them at once
          } catch (IOException e) {
            closeQuietly(c);
          }
        }, answer.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private static void closeQuietly(java.io.Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        // already gone
      }
    }

    @Override
    public void close() {
      open = false;
      timer.shutdownNow();
      if (selector != null) {
        selector.keys().forEach(k -> closeQuietly(k.channel()));
        closeQuietly(selector);
      }
      servers.forEach(EndpointFarm::closeQuietly);
    }
  }
}
