package dev.rollingupgrade.micrometer;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Meters for rolling upgrades, fed by their events: add it as the {@code listener} of a
 * {@code RollingUpgrade}, a {@code RolloutRecovery}, an {@code ImageRollout.builder()} (which the
 * automatic OS upgrade service's rollouts and runs use) or an {@code AutomaticExtensionUpgrades}
 * builder — one instance for all of them:
 *
 * <pre>{@code
 * UpgradeMetrics metrics = UpgradeMetrics.of(registry);
 * RollingUpgrade.of(set).driver(driver).health(health).scheduler(scheduler).listener(metrics).start();
 * AutomaticOsUpgrades.builder(catalog)
 *     .rollouts(ImageRollout.builder().driver(driver).health(health).scheduler(scheduler).listener(metrics))
 *     .build();
 * }</pre>
 *
 * <table class="striped">
 * <caption>The meters</caption>
 * <thead><tr><th>name</th><th>kind</th><th>tags</th><th>what it counts or times</th></tr></thead>
 * <tbody>
 * <tr><td>{@value #RUNS_STARTED}</td><td>counter</td><td></td><td>runs that listed their instances and
 *     made their plan ({@code RUN_STARTED}); a run stopped before that (its external resources preflight
 *     failed, or its instances could not be listed) only ends</td></tr>
 * <tr><td>{@value #RUNS_RESUMED}</td><td>counter</td><td></td><td>runs picked up from their journal</td></tr>
 * <tr><td>{@value #RUNS_ENDED}</td><td>counter</td><td>{@value #OUTCOME}, {@value #ERROR_CODE}</td>
 *     <td>runs that ended: outcome {@code COMPLETED}, {@code CANCELLED} or {@code FAULTED} ({@code UNKNOWN}
 *     for an event without a code); error code
 *     the run's {@code error.code} (e.g. {@code MaxUnhealthyUpgradedInstancePercentExceededInRollingUpgrade}),
 *     {@value #NONE} without one</td></tr>
 * <tr><td>{@value #INSTANCES_UPGRADED}</td><td>counter</td><td></td><td>instances upgraded and healthy in time</td></tr>
 * <tr><td>{@value #INSTANCES_FAILED}</td><td>counter</td><td>{@value #ERROR_CODE}</td><td>instances failed:
 *     {@code UpgradeFailed}, {@code UpgradeTimedOut} or {@code HealthTimeout}</td></tr>
 * <tr><td>{@value #INSTANCES_ROLLED_BACK}</td><td>counter</td><td></td><td>failed instances restored</td></tr>
 * <tr><td>{@value #INSTANCES_ROLLBACK_FAILED}</td><td>counter</td><td></td><td>restores that failed</td></tr>
 * <tr><td>{@value #INSTANCES_IN_FLIGHT}</td><td>gauge</td><td></td><td>instances whose upgrade started
 *     and that have no verdict (healthy or failed) yet</td></tr>
 * <tr><td>{@value #BATCH_DURATION}</td><td>timer</td><td></td><td>from a batch's start to its end (its
 *     upgrades, health waits and rollbacks)</td></tr>
 * <tr><td>{@value #HEALTH_WAIT}</td><td>timer</td><td>{@value #OUTCOME}</td><td>from an instance's upgrade
 *     call returning to its verdict: outcome {@code HEALTHY}, or {@code FAILED} when no health came within
 *     {@code healthTimeout}</td></tr>
 * <tr><td>{@value #SERVICE_EVENTS}</td><td>counter</td><td>{@value #TYPE}</td><td>events of the automatic
 *     upgrade services and rollouts, by event type: {@code RELEASE_DETECTED}, {@code CATALOG_ERROR},
 *     {@code INSTANCES_UNAVAILABLE}, {@code EXTENSION_RETRY_SCHEDULED}, {@code EXTENSION_MAJOR_AVAILABLE},
 *     {@code ROLLOUT_STARTED}, {@code ROLLOUT_PHASE_STARTED}, {@code ROLLOUT_FINISHED}</td></tr>
 * </tbody>
 * </table>
 *
 * <p>Every meter also carries the builder's common tags and, with {@link Builder#tagScaleSet(boolean)},
 * the scale set's name as {@value #SCALE_SET} ({@value #NONE} for events of no scale set). Tag values
 * are bounded: outcomes, event types and the SDK's error codes (a code that is not a short word is
 * reported as {@value #OTHER}); never an instance id, a message or anything of the model, so no secret
 * reaches a tag. The scale set tag is off by default: turn it on only when the number of scale sets is
 * bounded (tens, not thousands), since each one multiplies every meter.
 *
 * <p>Durations are differences of the events' timestamps, which come from the run's scheduler clock:
 * under the testkit's virtual time they are virtual, and no wall clock is read. A run resumed in
 * another process has its batch and health-wait durations from then on only, and counts in flight
 * only the instances it upgrades after the resume; a run {@code abandon}ed here keeps its instances
 * counted in flight until it is resumed here and they get their verdicts.
 *
 * <p>Thread-safe: events may come from several scheduler threads at once. Create one per registry
 * and attach it to as many runs and services as you like; several on one registry share its
 * in-flight gauge, which then counts the instances of all of them.
 */
public final class UpgradeMetrics implements UpgradeListener {
  /** Counter of runs that listed their instances and made their plan. */
  public static final String RUNS_STARTED = "rolling.upgrade.runs.started";
  /** Counter of runs picked up from their journal. */
  public static final String RUNS_RESUMED = "rolling.upgrade.runs.resumed";
  /** Counter of runs that ended, tagged {@value #OUTCOME} and {@value #ERROR_CODE}. */
  public static final String RUNS_ENDED = "rolling.upgrade.runs.ended";
  /** Counter of instances upgraded and healthy in time. */
  public static final String INSTANCES_UPGRADED = "rolling.upgrade.instances.upgraded";
  /** Counter of failed instances, tagged {@value #ERROR_CODE}. */
  public static final String INSTANCES_FAILED = "rolling.upgrade.instances.failed";
  /** Counter of failed instances restored to their previous OS disk or extension version. */
  public static final String INSTANCES_ROLLED_BACK = "rolling.upgrade.instances.rolled.back";
  /** Counter of restores that failed. */
  public static final String INSTANCES_ROLLBACK_FAILED = "rolling.upgrade.instances.rollback.failed";
  /** Gauge of instances whose upgrade started and that have no verdict yet. */
  public static final String INSTANCES_IN_FLIGHT = "rolling.upgrade.instances.in.flight";
  /** Timer of batches, from start to end. */
  public static final String BATCH_DURATION = "rolling.upgrade.batch.duration";
  /** Timer of health waits, from the upgrade call's return to the verdict, tagged {@value #OUTCOME}. */
  public static final String HEALTH_WAIT = "rolling.upgrade.health.wait";
  /** Counter of the automatic upgrade services' and rollouts' events, tagged {@value #TYPE}. */
  public static final String SERVICE_EVENTS = "rolling.upgrade.service.events";

  /** Tag: how a run ended, or how a health wait ended. */
  public static final String OUTCOME = "outcome";
  /** Tag: the SDK's error code of a run or a failed instance. */
  public static final String ERROR_CODE = "error.code";
  /** Tag: the scale set's name, only with {@link Builder#tagScaleSet(boolean)}. */
  public static final String SCALE_SET = "scale.set";
  /** Tag: the type of a service event. */
  public static final String TYPE = "type";
  /** Tag value: no error code, or no scale set. */
  public static final String NONE = "none";
  /** Tag value: an error code that is not a short word, not reported as such. */
  public static final String OTHER = "other";

  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9._-]{1,80}");
  /** In-flight counts per registry (weakly held: a registry dropped by its user goes) and tags; lookups only. */
  private static final Map<MeterRegistry, Map<Tags, AtomicInteger>> IN_FLIGHT = new java.util.WeakHashMap<>();

  private final MeterRegistry registry;
  private final Tags commonTags;
  private final boolean tagScaleSet;
  private final ConcurrentMap<String, ScaleSetMeters> sets = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, RunTrack> runs = new ConcurrentHashMap<>();
  /** The last runs that ended, so a late event of one opens no track that nothing would close. Guarded by itself. */
  private final Set<String> ended = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 4096;
    }
  });

  private UpgradeMetrics(Builder b) {
    this.registry = b.registry;
    this.commonTags = b.tags;
    this.tagScaleSet = b.tagScaleSet;
    if (!tagScaleSet) {
      meters(""); // the meters are there, at zero, before the first event
    }
  }

  /**
   * Meters in {@code registry}, without common tags or the scale set tag.
   *
   * @param registry where the meters are registered
   * @return the listener to add to runs and services
   * @throws NullPointerException if {@code registry} is null
   */
  public static UpgradeMetrics of(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * Configures meters in {@code registry}.
   *
   * @param registry where the meters are registered
   * @return a builder for common tags and the scale set tag
   * @throws NullPointerException if {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /** Counts or times {@code event}; events of the types it does not measure (and of later types) are ignored. */
  @Override
  public void onEvent(UpgradeEvent event) {
    ScaleSetMeters m = meters(event.scaleSetName());
    switch (event.type()) {
      case RUN_STARTED -> m.runsStarted.increment();
      case RUN_RESUMED -> m.runsResumed.increment();
      case BATCH_STARTED -> track(event, m).batchStarted(event.batch().orElse(0), event.time());
      case BATCH_FINISHED -> ifTracked(event, t -> t.batchFinished(event.batch().orElse(0)))
          .ifPresent(start -> record(m.batchDuration, start, event.time()));
      case INSTANCE_UPGRADE_STARTED -> track(event, m).upgradeStarted(event.instanceIds());
      case INSTANCE_HEALTH_WAIT_STARTED -> track(event, m).waitStarted(event.instanceIds(), event.time());
      case INSTANCE_HEALTHY -> {
        m.upgraded.increment();
        verdict(event, m, "HEALTHY");
      }
      case INSTANCE_FAILED -> {
        counter(m, INSTANCES_FAILED, "instances failed", Tags.of(ERROR_CODE, code(event.code()))).increment();
        verdict(event, m, "FAILED");
      }
      case INSTANCE_ROLLED_BACK -> m.rolledBack.increment();
      case INSTANCE_ROLLBACK_FAILED -> m.rollbackFailed.increment();
      case RUN_FINISHED -> runFinished(event, m);
      case RELEASE_DETECTED, CATALOG_ERROR, EXTENSION_RETRY_SCHEDULED, EXTENSION_MAJOR_AVAILABLE,
          INSTANCES_UNAVAILABLE, ROLLOUT_STARTED, ROLLOUT_PHASE_STARTED, ROLLOUT_FINISHED, MODEL_UPDATED,
          DOWNTIME_WARNING ->
          counter(m, SERVICE_EVENTS, "events of the automatic upgrade services and rollouts",
              Tags.of(TYPE, event.type().name())).increment();
      default -> { } // a type added later: not measured yet
    }
  }

  private void verdict(UpgradeEvent event, ScaleSetMeters m, String outcome) {
    Optional<Instant> waitStart = ifTracked(event, t -> t.verdict(event.instanceIds()));
    waitStart.ifPresent(start -> record(Timer.builder(HEALTH_WAIT)
        .description("from an instance's upgrade call returning to its verdict")
        .tags(m.tags).tag(OUTCOME, outcome).register(registry), start, event.time()));
  }

  private void runFinished(UpgradeEvent event, ScaleSetMeters m) {
    String outcome = "UNKNOWN";
    String errorCode = NONE;
    if (event.code().isPresent()) {
      outcome = RollingUpgradeStatusCode.FAULTED.name(); // a run that ended with an error carries its code
      errorCode = code(event.code());
      for (RollingUpgradeStatusCode status : RollingUpgradeStatusCode.values()) {
        if (status.azureName().equals(event.code().get())) {
          outcome = status.name();
          errorCode = NONE;
        }
      }
    }
    counter(m, RUNS_ENDED, "runs that ended", Tags.of(OUTCOME, outcome, ERROR_CODE, errorCode)).increment();
    synchronized (ended) {
      ended.add(event.runId());
    }
    RunTrack track = runs.remove(event.runId());
    if (track != null) {
      track.close();
    }
  }

  private RunTrack track(UpgradeEvent event, ScaleSetMeters m) {
    synchronized (ended) {
      if (ended.contains(event.runId())) {
        return new RunTrack(new AtomicInteger()); // a late event of an ended run: measured nowhere
      }
    }
    return runs.computeIfAbsent(event.runId(), id -> new RunTrack(m.inFlight));
  }

  /** What {@code action} finds in the run's track; empty when the run is not tracked (an end without its start). */
  private <T> Optional<T> ifTracked(UpgradeEvent event, Function<RunTrack, Optional<T>> action) {
    RunTrack track = runs.get(event.runId());
    return track == null ? Optional.empty() : action.apply(track);
  }

  private static void record(Timer timer, Instant start, Instant end) {
    Duration d = Duration.between(start, end);
    if (!d.isNegative()) { // events of two threads can come in either order: an end seen first is not timed
      timer.record(d);
    }
  }

  private Counter counter(ScaleSetMeters m, String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(m.tags).tags(tags).register(registry);
  }

  private static String code(Optional<String> code) {
    if (code.isEmpty()) {
      return NONE;
    }
    return CODE.matcher(code.get()).matches() ? code.get() : OTHER;
  }

  private ScaleSetMeters meters(String scaleSetName) {
    String key = tagScaleSet ? scaleSetName : "";
    ScaleSetMeters m = sets.get(key);
    return m != null ? m : sets.computeIfAbsent(key, k -> new ScaleSetMeters(tagScaleSet
        ? commonTags.and(SCALE_SET, k.isEmpty() ? NONE : k) : commonTags));
  }

  /**
   * The one in-flight count behind the gauge of {@code registry} with {@code tags}, shared by every
   * {@code UpgradeMetrics} on that registry: a gauge registers once, so a second instance counting
   * on its own would never be seen.
   */
  private static AtomicInteger inFlightOf(MeterRegistry registry, Tags tags) {
    synchronized (IN_FLIGHT) {
      return IN_FLIGHT.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(tags, t -> new AtomicInteger());
    }
  }

  /** The meters of one scale set (or of all, without the scale set tag) whose tags are fixed. */
  private final class ScaleSetMeters {
    final Tags tags;
    final Counter runsStarted;
    final Counter runsResumed;
    final Counter upgraded;
    final Counter rolledBack;
    final Counter rollbackFailed;
    final Timer batchDuration;
    final AtomicInteger inFlight;

    ScaleSetMeters(Tags tags) {
      this.tags = tags;
      this.inFlight = inFlightOf(registry, tags);
      runsStarted = Counter.builder(RUNS_STARTED).description("runs that listed their instances and made their plan").tags(tags)
          .register(registry);
      runsResumed = Counter.builder(RUNS_RESUMED).description("runs picked up from their journal").tags(tags)
          .register(registry);
      upgraded = Counter.builder(INSTANCES_UPGRADED).description("instances upgraded and healthy in time")
          .tags(tags).register(registry);
      rolledBack = Counter.builder(INSTANCES_ROLLED_BACK).description("failed instances restored").tags(tags)
          .register(registry);
      rollbackFailed = Counter.builder(INSTANCES_ROLLBACK_FAILED).description("restores of failed instances that failed")
          .tags(tags).register(registry);
      batchDuration = Timer.builder(BATCH_DURATION).description("from a batch's start to its end").tags(tags)
          .register(registry);
      if (registry.find(INSTANCES_IN_FLIGHT).tags(tags).gauge() == null) { // another instance may have: it is shared
        Gauge.builder(INSTANCES_IN_FLIGHT, inFlight, AtomicInteger::get)
            .description("instances whose upgrade started and that have no verdict yet").tags(tags).strongReference(true)
            .register(registry);
      }
    }
  }

  /** What is open in one run: batches and health waits started, instances in flight. Guarded by itself. */
  private static final class RunTrack {
    private final AtomicInteger gauge;
    private final Map<Integer, Instant> batches = new HashMap<>(); // lookups only
    private final Map<String, Instant> waits = new HashMap<>(); // lookups only
    private final Set<String> inFlight = new HashSet<>(); // its size only
    private boolean closed;

    RunTrack(AtomicInteger gauge) {
      this.gauge = gauge;
    }

    synchronized void batchStarted(int batch, Instant time) {
      if (!closed) {
        batches.put(batch, time);
      }
    }

    synchronized Optional<Instant> batchFinished(int batch) {
      return Optional.ofNullable(batches.remove(batch));
    }

    synchronized void upgradeStarted(List<String> ids) {
      for (String id : closed ? List.<String>of() : ids) {
        if (inFlight.add(id)) {
          gauge.incrementAndGet();
        }
      }
    }

    synchronized void waitStarted(List<String> ids, Instant time) {
      for (String id : closed ? List.<String>of() : ids) {
        waits.put(id, time);
      }
    }

    /** The instance (an instance event names one) has its verdict: no longer in flight; returns when its health wait started. */
    synchronized Optional<Instant> verdict(List<String> ids) {
      Instant waitStart = null;
      for (String id : ids) {
        if (inFlight.remove(id)) {
          gauge.decrementAndGet();
        }
        Instant start = waits.remove(id);
        waitStart = waitStart == null ? start : waitStart;
      }
      return Optional.ofNullable(waitStart);
    }

    /** The run ended: whatever it still had in flight is not any more. */
    synchronized void close() {
      closed = true;
      gauge.addAndGet(-inFlight.size());
      inFlight.clear();
      waits.clear();
      batches.clear();
    }
  }

  /** Configures {@link UpgradeMetrics}. Not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private boolean tagScaleSet;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * Adds tags to every meter (e.g. {@code service}, {@code region}); none by default. Keep their
     * values bounded and free of secrets.
     *
     * @param tags added to every meter
     * @return this builder
     * @throws NullPointerException if {@code tags} is null
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * Adds one tag to every meter.
     *
     * @param key the tag's key
     * @param value its value: bounded, no secret
     * @return this builder
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder tag(String key, String value) {
      this.tags = this.tags.and(Tag.of(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")));
      return this;
    }

    /**
     * Tags every meter with the scale set's name ({@value UpgradeMetrics#SCALE_SET}); off by default. Each scale set
     * multiplies every meter: turn it on only when their number is bounded.
     *
     * @param tagScaleSet whether to tag by scale set
     * @return this builder
     */
    public Builder tagScaleSet(boolean tagScaleSet) {
      this.tagScaleSet = tagScaleSet;
      return this;
    }

    /**
     * The meters, registered in the registry (without the scale set tag: at once, at zero).
     *
     * @return the listener to add to runs and services
     */
    public UpgradeMetrics build() {
      return new UpgradeMetrics(this);
    }
  }
}
