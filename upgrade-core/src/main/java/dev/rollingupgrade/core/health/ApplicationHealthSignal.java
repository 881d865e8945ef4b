package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.HealthListener;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Scheduler;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application health extension's protocol, built in: probes each instance every
 * {@link ApplicationHealthSettings#interval()} over HTTP, HTTPS or TCP and pushes every change of
 * state to {@link #subscribe subscribers}, so a run need not poll.
 *
 * <pre>{@code
 * try (ApplicationHealthSignal health = ApplicationHealthSignal.builder(ApplicationHealthSettings.of(scaleSet).orElseThrow())
 *     .resolver(InstanceAddressResolver.hosts(privateIps::get)).scheduler(scheduler).build()) {
 *   RollingUpgrade.of(scaleSet).driver(health.tracking(driver)).health(health).scheduler(scheduler).start();
 * }
 * }</pre>
 *
 * <p><b>What a probe says.</b> HTTP(S): a 2xx answer is healthy unless its body is JSON saying
 * {@code {"ApplicationHealthState": "Unhealthy"}} (unhealthy); a non-empty body that is not JSON
 * with {@code ApplicationHealthState} {@code Healthy} or {@code Unhealthy} is {@code UNKNOWN}, and
 * the reason is logged (WARN, once per instance and reason). Another status, no connection or no
 * answer within the probe timeout is unhealthy. TCP: a connection that opens is healthy.
 *
 * <p><b>State.</b> The first result sets an instance's state; after that it changes only after
 * {@code numberOfProbes} consecutive equal results. An upgrade (see {@link #tracking}) makes it
 * {@code INITIALIZING} until the instance has answered healthy {@code numberOfProbes} times in a
 * row after the upgrade, or until {@code gracePeriod} after it ends (then the latest result
 * holds). An instance is probed from the first time it is asked about ({@link #health}) or
 * upgraded, until {@link #close()}.
 *
 * <p><b>Cost.</b> One timer task per interval for the whole fleet on the injected scheduler; each
 * probe is asynchronous (the JDK's {@link HttpClient}, by default one shared by every signal in
 * the JVM with a few daemon threads of its own, and NIO channels), at most one in flight per
 * instance, each bounded by the probe timeout (by default the interval, within 1..30 s). A host
 * name is resolved on four shared daemon threads within that bound, never on the scheduler's.
 * Listeners are called on the scheduler's threads. Thousands of instances are probed on a few
 * threads. Use a real-time scheduler ({@code SystemScheduler}): probes are real I/O.
 *
 * <p>Thread-safe. Close it to stop probing.
 */
public final class ApplicationHealthSignal implements HealthSignal, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationHealthSignal.class);

  private final ApplicationHealthSettings settings;
  private final InstanceAddressResolver resolver;
  private final Scheduler scheduler;
  private final Duration probeTimeout;
  private final Prober prober;
  private final Map<Key, Watched> watched = new ConcurrentHashMap<>();
  private final Map<String, List<HealthListener>> listeners = new ConcurrentHashMap<>();
  private final Object timerLock = new Object();
  private Cancellable timer;
  private volatile boolean closed;
  /** Tests only: runs between a change of state and its delivery to the listeners. */
  volatile java.util.function.BiConsumer<String, HealthState> beforeDelivery = (id, state) -> {};

  private record Key(String scaleSetName, String instanceId) {}

  /**
   * One instance's probe history, the callers waiting for its first result, and its changes not
   * yet delivered (queued under its lock as they happen, delivered in that order by one thread at
   * a time).
   */
  private static final class Watched {
    final Key key;
    final ProbeHistory history;
    final List<CompletableFuture<HealthState>> firstAnswer = new ArrayList<>();
    final java.util.ArrayDeque<HealthState> undelivered = new java.util.ArrayDeque<>();
    boolean delivering;

    /** Queues a change from {@code before} to {@code after}, if it is one. Call under the lock. */
    void changed(HealthState before, HealthState after) {
      if (after != null && after != before) {
        undelivered.add(after);
      }
    }

    Watched(Key key, int numberOfProbes) {
      this.key = key;
      this.history = new ProbeHistory(numberOfProbes);
    }
  }

  private ApplicationHealthSignal(Builder b) {
    this.settings = b.settings;
    this.resolver = b.resolver;
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler: probes need a (real-time) scheduler");
    this.probeTimeout = b.probeTimeout != null ? b.probeTimeout : defaultProbeTimeout(settings.interval());
    HttpClient client = b.httpClient != null ? b.httpClient : Prober.sharedClient();
    this.prober = new Prober(settings, client, probeTimeout, b.names);
  }

  /** The interval, but at least 1 s (a loaded machine answers a first request slowly) and at most 30 s. */
  static Duration defaultProbeTimeout(Duration interval) {
    Duration min = Duration.ofSeconds(1);
    Duration max = Duration.ofSeconds(30);
    return interval.compareTo(min) < 0 ? min : interval.compareTo(max) > 0 ? max : interval;
  }

  /** A builder probing as {@code settings} say. */
  public static Builder builder(ApplicationHealthSettings settings) {
    return new Builder(Objects.requireNonNull(settings, "settings"));
  }

  /** Configures an {@link ApplicationHealthSignal}; not thread-safe. */
  public static final class Builder {
    private final ApplicationHealthSettings settings;
    private InstanceAddressResolver resolver = InstanceAddressResolver.loopback();
    private Scheduler scheduler;
    private Duration probeTimeout;
    private HttpClient httpClient;
    private Prober.NameService names = java.net.InetAddress::getByName;

    private Builder(ApplicationHealthSettings settings) {
      this.settings = settings;
    }

    /** Where each instance answers; {@link InstanceAddressResolver#loopback()} by default. */
    public Builder resolver(InstanceAddressResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The time source and the threads probes run on. Required; a real-time one. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * How long one probe may take before it counts as no answer (unhealthy); by default the
     * interval, but at least 1 s and at most 30 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder probeTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("probeTimeout must be positive, got " + timeout);
      }
      this.probeTimeout = timeout;
      return this;
    }

    /**
     * The HTTP client for HTTP(S) probes (e.g. with an {@code SSLContext} that trusts your
     * instances' self-signed certificates); it stays yours (closing the signal leaves it alone). By
     * default one client shared by every signal in the JVM: HTTP/1.1, no redirects, its tasks on a
     * few daemon threads (so signals built and closed leave no client thread behind).
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Tests only: how host names are resolved. */
    Builder nameService(Prober.NameService names) {
      this.names = Objects.requireNonNull(names, "names");
      return this;
    }

    /**
     * The signal.
     *
     * @throws NullPointerException if no scheduler was given
     */
    public ApplicationHealthSignal build() {
      return new ApplicationHealthSignal(this);
    }
  }

  /** The settings it probes by. */
  public ApplicationHealthSettings settings() {
    return settings;
  }

  /**
   * The instance's state now. The first question about an instance probes it and completes with
   * that result; later ones answer at once from the latest probes. An instance the resolver does
   * not know, or a closed signal, is a failed stage.
   */
  @Override
  public CompletionStage<HealthState> health(String scaleSetName, String instanceId) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the health signal is closed"));
    }
    Watched w = watch(scaleSetName, instanceId);
    CompletableFuture<HealthState> answer = new CompletableFuture<>();
    boolean probeNow = false;
    synchronized (w) {
      HealthState now = w.history.reported();
      if (now != null) {
        answer.complete(now);
      } else {
        w.firstAnswer.add(answer);
        probeNow = !w.history.inFlight;
      }
    }
    if (probeNow) {
      probe(w);
    }
    return answer;
  }

  /** Pushes every change of an instance's state in {@code scaleSetName}; cancelling twice is harmless. */
  @Override
  public Optional<Cancellable> subscribe(String scaleSetName, HealthListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<HealthListener> list = listeners.computeIfAbsent(scaleSetName, k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    return Optional.of(() -> list.remove(listener));
  }

  /**
   * The instance's application is going down for an upgrade: it reads {@code INITIALIZING} until
   * {@link #instanceRestarted} and its grace period say otherwise.
   */
  public void instanceRestarting(String scaleSetName, String instanceId) {
    Watched w = watch(scaleSetName, instanceId);
    HealthState before;
    HealthState state;
    List<CompletableFuture<HealthState>> waiting;
    synchronized (w) {
      before = w.history.reported();
      state = w.history.restarting();
      w.changed(before, state);
      waiting = List.copyOf(w.firstAnswer);
      w.firstAnswer.clear();
    }
    waiting.forEach(f -> f.complete(state));
    deliver(w);
  }

  /**
   * The instance's upgrade is done (or failed): its grace period starts now and it is probed at
   * once, even if a probe sent earlier is still out (its answer no longer counts).
   */
  public void instanceRestarted(String scaleSetName, String instanceId) {
    Watched w = watch(scaleSetName, instanceId);
    synchronized (w) {
      HealthState before = w.history.reported();
      w.changed(before, w.history.restarted(scheduler.now(), settings.gracePeriod()));
    }
    deliver(w);
    probe(w);
  }

  /**
   * {@code driver} telling this signal about upgrades: {@code replaceOsDisk},
   * {@code restorePreviousOsDisk} and {@code applyLatestModel} call {@link #instanceRestarting}
   * before and {@link #instanceRestarted} once their stage completes (normally or not), so that
   * a run never reads the health the instance had before its upgrade. Cancelling a returned stage
   * cancels the driver's. Everything else is passed on as is.
   */
  public InstanceDriver tracking(InstanceDriver driver) {
    return new RestartTrackingDriver(Objects.requireNonNull(driver, "driver"), this);
  }

  /** Stops probing; later questions fail. Idempotent. */
  @Override
  public void close() {
    closed = true;
    synchronized (timerLock) {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
    for (Watched w : watched.values()) {
      List<CompletableFuture<HealthState>> waiting;
      synchronized (w) {
        waiting = List.copyOf(w.firstAnswer);
        w.firstAnswer.clear();
      }
      waiting.forEach(f -> f.completeExceptionally(new IllegalStateException("the health signal is closed")));
    }
  }

  private Watched watch(String scaleSetName, String instanceId) {
    Key key = new Key(Objects.requireNonNull(scaleSetName, "scaleSetName"), Objects.requireNonNull(instanceId,
        "instanceId"));
    Watched w = watched.computeIfAbsent(key, k -> new Watched(k, settings.numberOfProbes()));
    synchronized (timerLock) {
      if (timer == null && !closed) {
        timer = scheduler.schedule(settings.interval(), this::sweep);
      }
    }
    return w;
  }

  /** Probes every watched instance not already being probed, ends grace periods that are over, and comes back. */
  private void sweep() {
    if (closed) {
      return;
    }
    synchronized (timerLock) {
      if (!closed) {
        timer = scheduler.schedule(settings.interval(), this::sweep); // the next sweep does not wait for this one
      }
    }
    var now = scheduler.now();
    for (Watched w : watched.values()) {
      synchronized (w) {
        HealthState before = w.history.reported();
        w.changed(before, w.history.expire(now));
      }
      deliver(w);
      probe(w);
    }
  }

  private void probe(Watched w) {
    long epoch;
    synchronized (w) {
      if (w.history.inFlight || w.history.isRestarting() || closed) {
        return; // one probe at a time; an application being replaced is not asked
      }
      w.history.inFlight = true;
      epoch = w.history.epoch();
    }
    InetSocketAddress address;
    try {
      address = resolver.address(w.key.scaleSetName(), w.key.instanceId(), settings.port());
    } catch (RuntimeException e) {
      LOG.warn("the address resolver failed for instance {} of {}: {}", w.key.instanceId(), w.key.scaleSetName(),
          e.toString());
      address = null;
    }
    if (address == null) {
      unknownInstance(w);
      return;
    }
    CompletableFuture<ProbeVerdict> verdict = prober.probe(address);
    // cancelling drops the exchange or closes the socket; the probe then counts as no answer
    Cancellable deadline = scheduler.schedule(probeTimeout, () -> verdict.cancel(true));
    verdict.whenComplete((v, e) -> {
      deadline.cancel();
      ProbeVerdict said = v != null ? v : verdict.isCancelled()
          ? ProbeVerdict.unhealthy("no answer within " + probeTimeout) : ProbeVerdict.unhealthy("probe failed: " + e);
      try {
        scheduler.schedule(Duration.ZERO, () -> answered(w, epoch, said)); // listeners run on the scheduler's threads
      } catch (RuntimeException stopped) {
        answered(w, epoch, said); // a scheduler shut down before the signal: answer here
      }
    });
  }

  private void unknownInstance(Watched w) {
    watched.remove(w.key, w);
    List<CompletableFuture<HealthState>> waiting;
    synchronized (w) {
      w.history.inFlight = false;
      waiting = List.copyOf(w.firstAnswer);
      w.firstAnswer.clear();
    }
    var failure = new IllegalArgumentException("no address for instance " + w.key.instanceId() + " of scale set "
        + w.key.scaleSetName() + ": the resolver does not know it");
    waiting.forEach(f -> f.completeExceptionally(failure));
  }

  private void answered(Watched w, long epoch, ProbeVerdict verdict) {
    HealthState before;
    HealthState after;
    List<CompletableFuture<HealthState>> waiting = List.of();
    boolean logReason = false;
    synchronized (w) {
      if (epoch != w.history.epoch()) {
        return; // a probe of the instance before its latest upgrade: its flag was reset then
      }
      w.history.inFlight = false;
      before = w.history.reported();
      after = w.history.record(verdict.state(), scheduler.now());
      w.changed(before, after);
      if (after != null && !w.firstAnswer.isEmpty()) {
        waiting = List.copyOf(w.firstAnswer);
        w.firstAnswer.clear();
      }
      if (verdict.state() == HealthState.UNKNOWN && !verdict.reason().equals(w.history.lastLoggedReason)) {
        w.history.lastLoggedReason = verdict.reason();
        logReason = true;
      } else if (verdict.state() != HealthState.UNKNOWN) {
        w.history.lastLoggedReason = null;
      }
    }
    if (logReason) {
      LOG.warn("instance {} of {} answered its health probe with an unknown state: {}", w.key.instanceId(),
          w.key.scaleSetName(), verdict.reason());
    }
    if (after != before) {
      LOG.debug("instance {} of {} is now {} ({})", w.key.instanceId(), w.key.scaleSetName(), after, verdict.reason());
    }
    deliver(w);
    HealthState first = after;
    waiting.forEach(f -> f.complete(first));
  }

  /**
   * Delivers the instance's queued changes in order. One thread at a time does it: another that
   * finds it under way leaves its change to that one (which delivers until the queue is empty).
   */
  private void deliver(Watched w) {
    synchronized (w) {
      if (w.delivering || w.undelivered.isEmpty()) {
        return;
      }
      w.delivering = true;
    }
    boolean done = false;
    try {
      while (true) {
        HealthState next;
        synchronized (w) {
          next = w.undelivered.poll();
          if (next == null) {
            w.delivering = false;
            done = true;
            return;
          }
        }
        beforeDelivery.accept(w.key.instanceId(), next);
        push(w.key, next);
      }
    } finally {
      if (!done) {
        synchronized (w) {
          w.delivering = false; // an Error from a listener: the next change delivers the rest
        }
      }
    }
  }

  private void push(Key key, HealthState state) {
    for (HealthListener listener : listeners.getOrDefault(key.scaleSetName(), List.of())) {
      try {
        listener.onHealthChanged(key.instanceId(), state);
      } catch (RuntimeException e) {
        LOG.warn("a health listener of {} failed on instance {}: {}", key.scaleSetName(), key.instanceId(), e.toString());
      }
    }
  }
}
