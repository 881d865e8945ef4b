package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.Versions;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.ExtensionCatalog;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.UpgradeHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every opted-in extension ({@code enableAutomaticUpgrade}) of the enabled scale sets on the
 * newest version of its major (DESIGN §7), with no code of the user's beyond the SPIs:
 *
 * <pre>{@code
 * AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(extensionCatalog)
 *     .driver(driver).health(health).scheduler(scheduler).store(store)
 *     .build();
 * auto.enable(scaleSet);     // checks the requirements, then watches each opted-in extension
 * auto.recover();            // after a restart: enable the sets first, then pick up runs in flight
 * }</pre>
 *
 * <p>Every {@code pollInterval} it lists each set's instances (what they run) and asks the
 * catalog for each opted-in extension's versions in the set's region; a newer version within the
 * extension's major ({@link ExtensionVersions}) is due. A set's extensions are upgraded one after
 * another, each by its own platform run ({@code RollingUpgrade.targetExtension}): Azure's 20 %
 * batches, a health wait per instance, the previous version reinstalled where health does not
 * come; one failing does not stop the next. A failed upgrade (the run faulted, or an instance was
 * rolled back) is tried again {@code retryInterval} after it ended (3 days by default), until it
 * succeeds, the extension is opted out, or a newer version supersedes it. Attempts, the last
 * error and the next attempt are read from the store's history of the extension, so they survive
 * a restart. A newer major is reported ({@link UpgradeEventType#EXTENSION_MAJOR_AVAILABLE}), never
 * applied. Opting an extension out ({@link #enable} with the updated model) or disabling the set
 * cancels its run in flight (the batch finishes). Thread-safe; deterministic on a virtual
 * scheduler.
 *
 * <p>Availability sets and standalone VMs are enabled with their {@link VmGroupKind}. Not built
 * yet: availability-first phases across regions (each group is rolled on its own).
 */
public final class AutomaticExtensionUpgrades implements AutoCloseable {
  /** Azure retries a failed extension upgrade every few days; this SDK waits 3 days unless told. */
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofDays(3);
  /** How often the catalog is read unless told. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(15);
  /** The group the service's runs belong to: {@code RolloutRecovery.resumeAll()} leaves them to {@link #recover()}. */
  public static final String RUN_GROUP = "automatic-extension-upgrades";

  private static final Logger LOG = LoggerFactory.getLogger(AutomaticExtensionUpgrades.class);

  private final ExtensionCatalog catalog;
  private final ExtensionRuns runs;
  private final SupportedExtensions supported;
  private final Duration pollInterval;
  private final Duration retryInterval;
  private final SerialExecutor executor;
  private final Map<String, ScaleSet> models = new ConcurrentHashMap<>(); // read without the lock by recoveries
  private final Map<String, Watched> watched = new TreeMap<>();
  private Cancellable nextPoll;
  private boolean polling;
  private boolean closed;

  private AutomaticExtensionUpgrades(Builder b) {
    this.catalog = b.catalog;
    this.runs = b.runs;
    this.supported = b.supported;
    this.pollInterval = b.pollInterval;
    this.retryInterval = b.retryInterval;
    runs.requireAll();
    this.executor = new SerialExecutor(runs.scheduler, e -> LOG.error("automatic extension upgrades: {}", e.toString(), e));
    executor.mdc("service", RUN_GROUP);
  }

  /** Starts configuring the service on {@code catalog}. */
  public static Builder builder(ExtensionCatalog catalog) {
    return new Builder(catalog);
  }

  /**
   * Starts (or, for a set already enabled, updates) the watch of {@code set}'s opted-in
   * extensions. An extension no longer opted in stops being watched and its run in flight is
   * cancelled (its batch finishes).
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException listing every unmet
   *     requirement with its JSON path (an extension that does not support automatic upgrade, a
   *     Service Fabric set)
   */
  public void enable(ScaleSet set) {
    enable(set, VmGroupKind.SCALE_SET);
  }

  /**
   * Like {@link #enable(ScaleSet)} for a group of another kind: an availability set (one update
   * domain at a time) or standalone VMs (at most 20 % in flight), described by a scale-set-shaped
   * model (see {@link VmGroupKind}).
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException as {@link #enable(ScaleSet)}
   */
  public void enable(ScaleSet set, VmGroupKind kind) {
    java.util.Objects.requireNonNull(kind, "kind");
    ExtensionUpgradeRequirements.require(set, supported);
    models.put(set.name(), set);
    executor.runNow(() -> {
      Watched w = watched.computeIfAbsent(set.name(), n -> new Watched());
      w.model = set;
      w.kind = kind;
      w.extensions.keySet().removeIf(name -> optedIn(set, name).isEmpty());
      if (w.run != null && optedIn(set, w.runExtension).isEmpty()) {
        LOG.info("{}: extension {} opted out; its run is cancelled after its batch", set.name(), w.runExtension);
        executor.outside(w.run::cancel);
      }
      schedulePoll(Duration.ZERO);
    });
  }

  /** Stops the watch of scale set {@code name}; its run in flight is cancelled (its batch finishes). */
  public void disable(String name) {
    models.remove(name);
    executor.runNow(() -> {
      Watched w = watched.remove(name);
      if (w != null && w.run != null) {
        executor.outside(w.run::cancel);
      }
    });
  }

  /** Names of the enabled scale sets. */
  public List<String> enabled() {
    return executor.read(() -> List.copyOf(watched.keySet()));
  }

  /** Where each opted-in extension of scale set {@code name} stands, in model order; empty if it is not enabled. */
  public List<ExtensionUpgradeStatus> status(String name) {
    return executor.read(() -> {
      Watched w = watched.get(name);
      if (w == null) {
        return List.of();
      }
      List<ExtensionUpgradeStatus> all = new ArrayList<>();
      for (Extension e : w.model.virtualMachineProfile().extensionProfile().extensions()) {
        if (e.enableAutomaticUpgrade()) {
          all.add(w.ext(e).status(name, e.name(), e.name().equals(w.runExtension) && w.run != null));
        }
      }
      return all;
    });
  }

  /** Every run the service started or picked up, oldest first. */
  public List<RollingUpgradeRun> runs() {
    return executor.read(() -> List.copyOf(runs.started));
  }

  /**
   * Picks up the service's runs that had not finished (after a crash of the host) for the sets
   * enabled so far: enable the sets first, then recover. A run another owner still holds is left
   * to it (its set is checked again at the next poll). Returns the runs resumed.
   */
  public List<RollingUpgradeRun> recover() {
    List<RollingUpgradeRun> resumed = new ArrayList<>();
    for (String id : runs.store.unfinishedRuns()) {
      String set = id.contains("/extensions/") ? id.substring(0, id.indexOf("/extensions/")) : null;
      if (set == null || !models.containsKey(set)) {
        continue;
      }
      try {
        RollingUpgradeRun run = runs.recovery(models::get).resume(id);
        executor.runNow(() -> track(set, run));
        resumed.add(run);
      } catch (RuntimeException e) {
        LOG.warn("extension run {} is not resumed here: {}", id, e.getMessage());
      }
    }
    return resumed;
  }

  /** Stops watching; runs in flight go on. */
  @Override
  public void close() {
    executor.runNow(() -> {
      closed = true;
      if (nextPoll != null) {
        nextPoll.cancel();
      }
    });
  }

  // ---- the watch ----

  private void schedulePoll(Duration delay) {
    if (closed) {
      return;
    }
    if (nextPoll != null) {
      nextPoll.cancel();
    }
    nextPoll = executor.schedule(delay.isNegative() ? Duration.ZERO : delay, this::poll);
  }

  private void poll() {
    if (closed || polling) {
      return; // one poll at a time; the one in flight schedules the next
    }
    List<String> names = new ArrayList<>(watched.keySet());
    if (names.isEmpty()) {
      schedulePoll(pollInterval);
      return;
    }
    polling = true;
    AtomicInteger left = new AtomicInteger(names.size());
    Runnable oneDone = () -> {
      if (left.decrementAndGet() == 0) {
        polling = false;
        decide();
      }
    };
    for (String name : names) {
      look(name, oneDone);
    }
  }

  /** Reads what the set's instances run and what the catalog publishes for each opted-in extension. */
  private void look(String name, Runnable done) {
    Watched w = watched.get(name);
    if (w == null || w.run != null) {
      done.run();
      return;
    }
    ScaleSet model = w.model;
    executor.call(() -> "listInstances(" + name + ")", () -> runs.driver.listInstances(name),
        runs.options.callTimeout(), (list, failure) -> {
          List<Extension> opted = model.virtualMachineProfile().extensionProfile().extensions().stream()
              .filter(Extension::enableAutomaticUpgrade).toList();
          if (failure != null || opted.isEmpty() || watched.get(name) != w) {
            if (failure != null) {
              LOG.warn("{}: cannot list its instances: {}", name, SerialExecutor.unwrap(failure).toString());
            }
            done.run();
            return;
          }
          AtomicInteger left = new AtomicInteger(opted.size());
          for (Extension e : opted) {
            w.ext(e).installed = installed(list, e);
            executor.call(() -> "extension versions of " + e.type() + " in " + model.location(),
                () -> catalog.versions(model.location(), e.publisher(), e.type()), runs.options.callTimeout(),
                (published, error) -> {
                  if (error != null) {
                    emit(UpgradeEventType.CATALOG_ERROR, name, "extension catalog: " + e.publisher() + "/" + e.type()
                        + " in " + model.location() + ": " + SerialExecutor.unwrap(error).getMessage()
                        + "; asked again at the next poll");
                  } else {
                    learn(name, w.ext(e), e, published);
                  }
                  if (left.decrementAndGet() == 0) {
                    done.run();
                  }
                });
          }
        });
  }

  /** The lowest version the instances report (the one still to upgrade somewhere); the model's if none reports one. */
  private static String installed(List<Instance> instances, Extension e) {
    return instances.stream().map(i -> i.appliedExtensionVersions().get(e.name())).filter(v -> v != null)
        .min(Versions.ORDER).orElse(e.typeHandlerVersion());
  }

  private void learn(String name, Ext x, Extension e, List<String> published) {
    x.target = ExtensionVersions.next(e, x.installed, published).orElse(null);
    Optional<String> major = ExtensionVersions.newerMajor(e, published);
    if (major.isPresent() && !major.get().equals(x.announcedMajor)) {
      x.announcedMajor = major.get();
      emit(UpgradeEventType.EXTENSION_MAJOR_AVAILABLE, name, e.name() + ": version " + major.get()
          + " is published; a new major version is never applied automatically: change typeHandlerVersion to adopt it");
    }
    if (x.target != null && !x.target.equals(x.announcedTarget)) {
      x.announcedTarget = x.target;
      emit(UpgradeEventType.RELEASE_DETECTED, name, e.name() + ": version " + x.target + " is newer than "
          + x.installed);
    }
    retries(name, e.name(), x);
  }

  /** Attempts, last error and next attempt at the target, from the store's history of the extension. */
  private void retries(String name, String extension, Ext x) {
    x.attempts = 0;
    x.lastError = null;
    x.nextAttempt = null;
    if (x.target == null) {
      return;
    }
    for (UpgradeHistoryEntry h : runs.store.history(UpgradeHistory.extensionKey(name, extension))) {
      if (h.targetExtension().filter(t -> t.version().equals(x.target)).isEmpty() || !failed(h)) {
        break; // an older version's runs, or a success: no failures of this target before
      }
      if (x.attempts++ == 0) {
        x.lastError = h.error().orElse(ApiError.builder().code("InstancesRolledBack")
            .message(h.rollbackInfo().map(r -> r.successfullyRolledbackInstanceCount()).orElse(0)
                + " instances were not healthy with it and got the previous version back").build());
        x.nextAttempt = h.runningStatus().flatMap(RunningStatus::endTime).orElse(executor.now()).plus(retryInterval);
      }
    }
  }

  private static boolean failed(UpgradeHistoryEntry h) {
    return h.runningStatus().flatMap(RunningStatus::code).orElse(null) != RollingUpgradeStatusCode.COMPLETED
        || h.progress().map(p -> p.failedInstanceCount() > 0).orElse(false);
  }

  /** Starts one due extension run per idle set (model order); sleeps until the next poll or retry. */
  private void decide() {
    if (closed) {
      return;
    }
    Instant now = executor.now();
    Instant wake = now.plus(pollInterval);
    for (var entry : watched.entrySet()) {
      Watched w = entry.getValue();
      if (w.run != null) {
        continue;
      }
      for (Extension e : w.model.virtualMachineProfile().extensionProfile().extensions()) {
        Ext x = w.extensions.get(e.name());
        if (!e.enableAutomaticUpgrade() || x == null || x.target == null) {
          continue;
        }
        if (x.nextAttempt != null && x.nextAttempt.isAfter(now)) {
          wake = x.nextAttempt.isBefore(wake) ? x.nextAttempt : wake;
          continue;
        }
        start(entry.getKey(), w, e, x);
        break; // one extension at a time per set; the next after this one's run
      }
    }
    schedulePoll(Duration.between(now, wake));
  }

  private void start(String name, Watched w, Extension e, Ext x) {
    try {
      RollingUpgradeRun run = runs.start(w.model, e.name(), x.target, executor.now(), w.kind.policy());
      LOG.info("{}: upgrading extension {} from {} to {} (attempt {})", name, e.name(), x.installed, x.target,
          x.attempts + 1);
      w.runExtension = e.name();
      track(name, run);
    } catch (RuntimeException ex) {
      LOG.error("{}: the upgrade of extension {} to {} could not start: {}", name, e.name(), x.target, ex.getMessage());
      x.nextAttempt = executor.now().plus(retryInterval);
    }
  }

  private void track(String name, RollingUpgradeRun run) {
    Watched w = watched.get(name);
    if (w == null) {
      return;
    }
    runs.started.add(run);
    w.run = run;
    w.runExtension = run.targetExtension().map(t -> t.name()).orElse(w.runExtension);
    run.completion().whenComplete((entry, failure) -> executor.execute(() -> {
      if (w.run == run) {
        w.run = null;
      }
      String extension = run.targetExtension().map(t -> t.name()).orElse("?");
      Ext x = w.extensions.get(extension);
      if (entry != null && x != null && failed(entry) && x.target != null) {
        retries(name, extension, x);
        emit(UpgradeEventType.EXTENSION_RETRY_SCHEDULED, name, extension + " " + x.target + ": attempt " + x.attempts
            + " failed (" + x.lastError.code().orElse("") + ": " + x.lastError.message().orElse("")
            + "); next attempt at " + x.nextAttempt);
      }
      schedulePoll(Duration.ZERO); // the set's next extension, or a version published meanwhile
    }));
  }

  private Optional<Extension> optedIn(ScaleSet set, String extension) {
    return set.virtualMachineProfile().extensionProfile().extensions().stream()
        .filter(e -> e.name().equals(extension) && e.enableAutomaticUpgrade()).findFirst();
  }

  private void emit(UpgradeEventType type, String scaleSet, String message) {
    UpgradeEvent event = UpgradeEvent.builder().type(type).time(executor.now()).scaleSetName(scaleSet).runId("")
        .message(message).build();
    executor.outside(() -> {
      for (UpgradeListener l : runs.listeners) {
        try {
          l.onEvent(event);
        } catch (RuntimeException e) {
          LOG.warn("listener {} failed on {}: {}", l, type, e.toString());
        }
      }
    });
  }

  /** One enabled scale set: its model, its extensions' states, its run in flight. */
  private static final class Watched {
    ScaleSet model;
    VmGroupKind kind = VmGroupKind.SCALE_SET;
    final Map<String, Ext> extensions = new TreeMap<>();
    RollingUpgradeRun run;
    String runExtension;

    Ext ext(Extension e) {
      return extensions.computeIfAbsent(e.name(), n -> new Ext(e.typeHandlerVersion()));
    }
  }

  /** One opted-in extension of a set. */
  private static final class Ext {
    String installed;
    String target;
    String announcedTarget;
    String announcedMajor;
    int attempts;
    ApiError lastError;
    Instant nextAttempt;

    Ext(String installed) {
      this.installed = installed;
    }

    ExtensionUpgradeStatus status(String set, String name, boolean running) {
      ExtensionUpgradeStatus.State state = running ? ExtensionUpgradeStatus.State.RUNNING
          : target == null ? ExtensionUpgradeStatus.State.UP_TO_DATE
          : attempts > 0 ? ExtensionUpgradeStatus.State.WAITING_TO_RETRY : ExtensionUpgradeStatus.State.PENDING;
      return new ExtensionUpgradeStatus(set, name, installed, Optional.ofNullable(target), state, attempts,
          Optional.ofNullable(lastError), Optional.ofNullable(nextAttempt), Optional.ofNullable(announcedMajor));
    }
  }

  /** Configures {@link AutomaticExtensionUpgrades}; driver, health and scheduler are required. Not thread-safe. */
  public static final class Builder {
    private final ExtensionCatalog catalog;
    private final ExtensionRuns runs = new ExtensionRuns();
    private SupportedExtensions supported = SupportedExtensions.defaults();
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration retryInterval = DEFAULT_RETRY_INTERVAL;

    private Builder(ExtensionCatalog catalog) {
      this.catalog = java.util.Objects.requireNonNull(catalog, "catalog");
    }

    /** The driver that sets extension versions. Required. */
    public Builder driver(dev.rollingupgrade.api.spi.InstanceDriver driver) {
      runs.driver = java.util.Objects.requireNonNull(driver, "driver");
      return this;
    }

    /** The health source. Required. */
    public Builder health(dev.rollingupgrade.api.spi.HealthSignal health) {
      runs.health = java.util.Objects.requireNonNull(health, "health");
      return this;
    }

    /** The only source of time. Required. */
    public Builder scheduler(dev.rollingupgrade.api.spi.Scheduler scheduler) {
      runs.scheduler = java.util.Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where runs and their history are kept; an in-memory store on the scheduler's time by default. */
    public Builder store(dev.rollingupgrade.api.spi.RolloutStore store) {
      runs.store = java.util.Objects.requireNonNull(store, "store");
      return this;
    }

    /** Timing, lease and owner of the runs; {@code RunOptions.defaults()} unless given. */
    public Builder options(dev.rollingupgrade.core.run.RunOptions options) {
      runs.options = java.util.Objects.requireNonNull(options, "options");
      return this;
    }

    /** Adds a listener for the service's and its runs' events. */
    public Builder listener(UpgradeListener listener) {
      runs.listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The extensions that support automatic upgrade; {@link SupportedExtensions#defaults()} unless given. */
    public Builder supportedExtensions(SupportedExtensions supported) {
      this.supported = java.util.Objects.requireNonNull(supported, "supported");
      return this;
    }

    /**
     * How often the catalog is read; 15 minutes unless given.
     *
     * @throws IllegalArgumentException unless between 1 second and 1 day
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = within("pollInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
      return this;
    }

    /**
     * How long after a failed upgrade ended it is tried again; 3 days unless given.
     *
     * @throws IllegalArgumentException unless between 1 minute and 30 days
     */
    public Builder retryInterval(Duration interval) {
      this.retryInterval = within("retryInterval", interval, Duration.ofMinutes(1), Duration.ofDays(30));
      return this;
    }

    /**
     * The service; it watches nothing until {@link AutomaticExtensionUpgrades#enable}.
     *
     * @throws IllegalStateException if driver, health or scheduler is missing
     */
    public AutomaticExtensionUpgrades build() {
      return new AutomaticExtensionUpgrades(this);
    }

    private static Duration within(String what, Duration d, Duration min, Duration max) {
      if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + d);
      }
      return d;
    }
  }
}
