package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures, starts and resumes {@link ImageRollout}s:
 *
 * <pre>{@code
 * RolloutBuilder rollouts = ImageRollout.builder()
 *     .driver(driver).health(health).scheduler(scheduler).store(store)
 *     .regionPairs(RegionPairs.azure());
 * rollouts.member(webEu, target).member(webUs, target);
 * rollouts.plan().explain().forEach(System.out::println);   // dry run
 * ImageRollout rollout = rollouts.start();
 * }</pre>
 *
 * <p>Each member's run is a platform run to its target image with rollback unless the set's
 * {@code disableAutomaticRollback}; its batch rules are the set's rolling upgrade policy when
 * {@code automaticOSUpgradePolicy.useRollingUpgradePolicy} is set, else Azure's defaults (20 %
 * batches and thresholds, 5 minute health timeout). Batches never span zones (cross-zone
 * upgrades are turned off), and a Service Fabric set always keeps its batches within one update
 * domain. Not thread-safe; the rollouts it starts are.
 */
public final class RolloutBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutBuilder.class);

  InstanceDriver driver;
  HealthSignal health;
  Scheduler scheduler;
  RolloutStore store;
  RunOptions options = RunOptions.defaults();
  UpgradeOperationInvoker startedBy = UpgradeOperationInvoker.PLATFORM;
  private final List<UpgradeListener> listeners = new ArrayList<>();
  private final Map<String, ScaleSet> models = new LinkedHashMap<>();
  private final Map<String, MemberTarget> targets = new LinkedHashMap<>();
  private ExternalResourceCheck preflight;
  private Function<String, ScaleSet> modelSource;
  private RegionPairs pairs = RegionPairs.none();
  private PhasePlanner planner = PhasePlanner.defaults();
  private String rolloutId;

  RolloutBuilder() {}

  /** The driver. Required. */
  public RolloutBuilder driver(InstanceDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
    return this;
  }

  /** The health source. Required. */
  public RolloutBuilder health(HealthSignal health) {
    this.health = Objects.requireNonNull(health, "health");
    return this;
  }

  /** The only source of time. Required. */
  public RolloutBuilder scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** Where the rollout and its runs are journalled; an {@link InMemoryRolloutStore} by default. */
  public RolloutBuilder store(RolloutStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Adds a listener for the rollout's and its runs' events. */
  public RolloutBuilder listener(UpgradeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Timing, lease and owner of the rollout and its runs; {@link RunOptions#defaults()} unless given. */
  public RolloutBuilder options(RunOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return this;
  }

  /** The preflight of every member's run (see {@link RollingUpgrade#preflight}); none unless given. */
  public RolloutBuilder preflight(ExternalResourceCheck check) {
    this.preflight = Objects.requireNonNull(check, "check");
    return this;
  }

  /** Geo pairs of regions, never in one phase; none unless given. */
  public RolloutBuilder regionPairs(RegionPairs pairs) {
    this.pairs = Objects.requireNonNull(pairs, "pairs");
    return this;
  }

  /** How phases are sized; {@link PhasePlanner#defaults()} unless given. */
  public RolloutBuilder planner(PhasePlanner planner) {
    this.planner = Objects.requireNonNull(planner, "planner");
    return this;
  }

  /** Who starts the member runs; {@code PLATFORM} (an automatic upgrade) by default. */
  public RolloutBuilder startedBy(UpgradeOperationInvoker invoker) {
    this.startedBy = Objects.requireNonNull(invoker, "invoker");
    return this;
  }

  /**
   * The scale set models by name, for a resume: the journal keeps only the targets (models may
   * be large and their extensions hold secrets). Members added with {@link #member} are found
   * without it.
   */
  public RolloutBuilder models(Function<String, ScaleSet> models) {
    this.modelSource = Objects.requireNonNull(models, "models");
    return this;
  }

  /** The rollout's id; by default {@code rollout-<start millis>}, made unique in the store. */
  public RolloutBuilder rolloutId(String id) {
    if (id == null || id.isBlank() || id.contains("/")) {
      throw new IllegalArgumentException("rolloutId must be non-blank and without '/', got " + id);
    }
    this.rolloutId = id;
    return this;
  }

  /**
   * Adds a scale set to roll to {@code target}.
   *
   * @throws IllegalArgumentException if a set of that name was added already
   */
  public RolloutBuilder member(ScaleSet set, ImageReference target) {
    return member(set, MemberTarget.image(Objects.requireNonNull(target, "target")));
  }

  /**
   * Adds a scale set (or another group of VMs, described by a scale-set-shaped model) whose
   * extension {@code extension} is rolled to {@code version} under {@code policy}, the batch rules
   * of its kind of group. One rollout rolls one release: its members are all image members or all
   * extension members.
   *
   * @throws IllegalArgumentException if a set of that name was added already, the model has no
   *     such extension, or image members were added already
   */
  public RolloutBuilder member(ScaleSet set, String extension, String version, RollingUpgradePolicy policy) {
    var ext = set.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(extension)).findFirst().orElseThrow(() -> new IllegalArgumentException(
            "scale set " + set.name() + " has no extension " + extension));
    return member(set, MemberTarget.extension(TargetExtension.of(ext, version), Objects.requireNonNull(policy,
        "policy")));
  }

  /**
   * Like {@link #member(ScaleSet, String, String, RollingUpgradePolicy)} with the whole target:
   * its {@code previousVersion} is what a failed instance gets back (e.g. the version the instances
   * run now, when the model's {@code typeHandlerVersion} is older).
   *
   * @throws IllegalArgumentException as the other form
   */
  public RolloutBuilder member(ScaleSet set, TargetExtension target, RollingUpgradePolicy policy) {
    set.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(target.name())).findFirst().orElseThrow(() -> new IllegalArgumentException(
            "scale set " + set.name() + " has no extension " + target.name()));
    return member(set, MemberTarget.extension(target, Objects.requireNonNull(policy, "policy")));
  }

  private RolloutBuilder member(ScaleSet set, MemberTarget target) {
    if (!targets.isEmpty() && targets.values().iterator().next().image().isPresent() != target.image().isPresent()) {
      throw new IllegalArgumentException("a rollout rolls one release: image members and extension members cannot "
          + "be mixed (" + set.name() + ")");
    }
    if (models.putIfAbsent(set.name(), set) != null) {
      throw new IllegalArgumentException("scale set " + set.name() + " is already a member of the rollout");
    }
    targets.put(set.name(), target);
    return this;
  }

  /** The phase plan of the members (a dry run: nothing is touched). */
  public PhasePlan plan() {
    List<RolloutMember> members = new ArrayList<>();
    models.values().forEach(s -> members.add(new RolloutMember(s.name(), s.location(), s.zones(),
        (int) Math.min(Integer.MAX_VALUE, s.capacity()))));
    return planner.plan(members, pairs);
  }

  /**
   * Plans, journals and starts the rollout; returns at once.
   *
   * @throws IllegalStateException if a plug-in is missing, there are no members, or the id is taken
   */
  public ImageRollout start() {
    requireAll();
    if (models.isEmpty()) {
      throw new IllegalStateException("a rollout needs at least one member(scaleSet, target)");
    }
    PhasePlan plan = plan();
    String id = rolloutId != null ? rolloutId : freeId();
    if (!store.records(id).isEmpty()) {
      throw new IllegalStateException("rollout id " + id + " already has records in the store; resume it instead");
    }
    Lease lease = store.claim(id, options.owner(), options.leaseDuration())
        .orElseThrow(() -> new IllegalStateException("rollout id " + id + " is claimed by another owner"));
    String release = targets.values().iterator().next().display();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("format", String.valueOf(RolloutJournal.FORMAT));
    attributes.put("release", release);
    attributes.put("startedBy", startedBy.name());
    attributes.put("plan", RolloutJournal.writePlan(plan));
    targets.forEach((name, target) -> attributes.put("target:" + name, target.write()));
    // insertion order kept: Map.copyOf's iteration order changes from one JVM to the next
    RolloutWalk rollout = new RolloutWalk(this, id, release, scheduler.now(), plan,
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models)),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets)), lease, 0);
    rollout.start(attributes);
    return new ImageRollout(rollout);
  }

  /**
   * Picks up rollout {@code id} from its journal after its host stopped (a finished one too: its
   * handle then only reports how it ended).
   *
   * @throws IllegalArgumentException if the store has no such rollout
   * @throws RolloutJournalException if it is not a rollout journal this SDK reads
   * @throws RolloutHeldException if another owner holds it
   */
  public ImageRollout resume(String id) {
    return resume(id, java.util.Set.of());
  }

  /**
   * {@link #resume(String)}, taking the sets {@code without} out of the rollout first (journalled
   * as removals before anything else happens): sets disabled while the rollout waited to be
   * resumed, or whose models are gone.
   */
  public ImageRollout resume(String id, java.util.Set<String> without) {
    requireAll();
    List<RunRecord> records = store.records(id);
    if (records.isEmpty()) {
      throw new IllegalArgumentException("the store has no rollout " + id);
    }
    RunRecord first = records.get(0);
    if (!first.kind().equals(RolloutJournal.STARTED)) {
      throw new RolloutJournalException(id + " is not a rollout journal (it starts with " + first.kind() + ")");
    }
    if (!first.attributes().get("format").equals(String.valueOf(RolloutJournal.FORMAT))) {
      throw new RolloutJournalException("rollout " + id + " was journalled in format " + first.attributes().get("format")
          + "; this SDK reads format " + RolloutJournal.FORMAT);
    }
    Lease lease = store.claim(id, options.owner(), options.leaseDuration()).orElseThrow(() ->
        new RolloutHeldException("rollout " + id + " is held by another owner whose lease has not expired"));
    // the journal's settings go to a copy: this builder may start other rollouts later
    RolloutBuilder cfg = copy();
    cfg.models.putAll(models);
    cfg.startedBy = UpgradeOperationInvoker.valueOf(first.attributes().get("startedBy"));
    Map<String, MemberTarget> journalled = new LinkedHashMap<>();
    first.attributes().forEach((key, value) -> {
      if (key.startsWith("target:")) {
        journalled.put(key.substring("target:".length()), MemberTarget.read(value));
      }
    });
    // models are looked up when a run starts or resumes: the caller may still be registering them
    RolloutWalk rollout = new RolloutWalk(cfg, id, first.attributes().get("release"), first.time(),
        RolloutJournal.readPlan(first.attributes().get("plan")), Map.of(), journalled, lease, records.size());
    RunRecord last = records.get(records.size() - 1);
    if (last.isFinal()) {
      store.release(lease);
      rollout.finishedAlready(last);
    } else {
      rollout.resume(records, without);
    }
    return new ImageRollout(rollout);
  }

  /** The extension each member of extension rollout {@code id} is rolled to, by set; empty for other journals. */
  public Map<String, TargetExtension> extensionTargetsOf(String id) {
    List<RunRecord> records = store.records(id);
    Map<String, TargetExtension> targets = new LinkedHashMap<>();
    if (!records.isEmpty() && records.get(0).kind().equals(RolloutJournal.STARTED)) {
      records.get(0).attributes().forEach((key, value) -> {
        if (key.startsWith("target:")) {
          MemberTarget.read(value).extension().ifPresent(t -> targets.put(key.substring("target:".length()), t));
        }
      });
    }
    return targets;
  }

  /** The scale sets rollout {@code id} journalled as its members; empty if it is not a rollout journal. */
  public List<String> membersOf(String id) {
    List<RunRecord> records = store.records(id);
    if (records.isEmpty() || !records.get(0).kind().equals(RolloutJournal.STARTED)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    records.get(0).attributes().keySet().stream().filter(k -> k.startsWith("target:"))
        .forEach(k -> names.add(k.substring("target:".length())));
    return names;
  }

  /** Ids of the rollouts in the store that have not finished, oldest first. */
  public List<String> unfinishedRollouts() {
    return unfinished(null);
  }

  /**
   * Ids of the unfinished rollouts of one kind of release, oldest first: OS images
   * ({@code extensions} false) or extension versions (true). Two services sharing a store each
   * recover their own.
   */
  public List<String> unfinishedRollouts(boolean extensions) {
    return unfinished(extensions);
  }

  private List<String> unfinished(Boolean extensions) {
    requireAll();
    List<String> ids = new ArrayList<>();
    for (String id : store.unfinishedRuns()) {
      List<RunRecord> records = store.records(id);
      if (records.isEmpty() || !records.get(0).kind().equals(RolloutJournal.STARTED)) {
        continue;
      }
      boolean ofExtensions;
      try {
        ofExtensions = records.get(0).attributes().entrySet().stream()
            .filter(e -> e.getKey().startsWith("target:")).findFirst()
            .map(e -> MemberTarget.read(e.getValue()).extension().isPresent()).orElse(false);
      } catch (RuntimeException e) {
        if (extensions == null) {
          ids.add(id); // unreadable: resume(id) says why
        } else {
          LOG.warn("rollout {} has an unreadable target in its journal: left out ({})", id, e.getMessage());
        }
        continue;
      }
      if (extensions == null || extensions == ofExtensions) {
        ids.add(id);
      }
    }
    return ids;
  }

  // ---- for the rollout ----

  RollingUpgradeRun startRun(ScaleSet model, MemberTarget target, String rolloutId, String runId) {
    if (model == null) {
      throw new IllegalStateException("no model of the scale set: give models(...) to resume this rollout");
    }
    RollingUpgrade run = RollingUpgrade.of(model).driver(driver).health(health).scheduler(scheduler).store(store)
        .options(options).startedBy(startedBy).runId(runId).partOf(rolloutId);
    if (target.extension().isPresent()) {
      run.targetExtension(target.extension().get()).policy(target.policy().orElseThrow());
    } else {
      run.targetImage(target.image().orElseThrow()).policy(policyOf(model));
    }
    configure(run);
    return run.start();
  }

  /** The model of scale set {@code name}: a member's, else from {@link #models}; null when neither knows it. */
  ScaleSet modelOf(String name) {
    return models.containsKey(name) ? models.get(name) : modelSource == null ? null : modelSource.apply(name);
  }

  RollingUpgradeRun resumeRun(String runId) {
    RolloutRecovery recovery = RolloutRecovery.of(store).driver(driver).health(health).scheduler(scheduler)
        .options(options);
    if (modelSource != null || !models.isEmpty()) {
      recovery.models(this::modelOf);
    }
    listeners.forEach(recovery::listener);
    if (preflight != null) {
      recovery.preflight(preflight);
    }
    return recovery.resume(runId);
  }

  /** An event made now and handed to the listeners once {@code executor}'s state change released its lock. */
  void emit(SerialExecutor executor, UpgradeEventType type, String scaleSet, String rolloutId, int phase,
      String message) {
    var b = UpgradeEvent.builder().type(type).time(scheduler.now()).scaleSetName(scaleSet).runId(rolloutId)
        .message(message);
    if (phase > 0) {
      b.batch(phase);
    }
    UpgradeEvent event = b.build();
    executor.outside(() -> {
      for (UpgradeListener l : listeners) {
        try {
          l.onEvent(event);
        } catch (RuntimeException e) {
          LOG.warn("listener {} failed on {}: {}", l, type, e.toString());
        }
      }
    });
  }

  /** The batch rules of an automatic OS upgrade of {@code set}. */
  static RollingUpgradePolicy policyOf(ScaleSet set) {
    RollingUpgradePolicy policy = set.upgradePolicy().automaticOSUpgradePolicy().useRollingUpgradePolicy()
        ? set.upgradePolicy().rollingUpgradePolicy() : RollingUpgradePolicy.defaults();
    // availability first: never two zones of a region in flight, whatever the set's own policy says
    var b = RollingUpgradePolicy.builder().from(policy).enableCrossZoneUpgrade(false);
    // Service Fabric rolls one update domain at a time to keep its services available
    if (set.isServiceFabric()) {
      b.respectUpdateDomains(true);
    }
    return b.build();
  }

  void requireAllPublic() {
    requireAll();
  }

  /** A builder with the same plug-ins and settings and no members. */
  RolloutBuilder copy() {
    RolloutBuilder b = new RolloutBuilder();
    b.driver = driver;
    b.health = health;
    b.scheduler = scheduler;
    b.store = store;
    b.options = options;
    b.startedBy = startedBy;
    b.listeners.addAll(listeners);
    b.preflight = preflight;
    b.modelSource = modelSource;
    b.pairs = pairs;
    b.planner = planner;
    return b;
  }

  /** Adds the listeners and the preflight to a run. */
  void configure(RollingUpgrade run) {
    listeners.forEach(run::listener);
    if (preflight != null) {
      run.preflight(preflight);
    }
  }

  private void requireAll() {
    if (driver == null || health == null || scheduler == null) {
      throw new IllegalStateException("a rollout needs driver(...), health(...) and scheduler(...) first");
    }
    if (store == null) {
      store = new InMemoryRolloutStore(SchedulerClock.of(scheduler));
    }
  }

  private String freeId() {
    String base = "rollout-" + scheduler.now().toEpochMilli();
    String id = base;
    for (int n = 2; !store.records(id).isEmpty(); n++) {
      id = base + "-" + n;
    }
    return id;
  }
}
