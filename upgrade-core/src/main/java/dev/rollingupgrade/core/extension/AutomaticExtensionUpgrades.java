package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.ExtensionCatalog;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.core.auto.ImageRollout;
import dev.rollingupgrade.core.auto.RegionPairs;
import dev.rollingupgrade.core.auto.RolloutBuilder;
import dev.rollingupgrade.core.auto.RolloutJournalException;
import dev.rollingupgrade.core.auto.RolloutStatus;
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
 *     .regionPairs(RegionPairs.azure())    // geo pairs never share a phase
 *     .build();
 * auto.enable(scaleSet);     // checks the requirements, then watches each opted-in extension
 * auto.recover();            // after a restart: enable the sets first, then pick up runs in flight
 * }</pre>
 *
 * <p>Every {@code pollInterval} it lists each group's VMs and asks the catalog for each opted-in
 * extension's versions in the group's region; a newer version within the extension's major
 * ({@link ExtensionVersions}) is due. The due groups of one release are rolled by one
 * {@link ImageRollout}, availability first (phases, geo pairs apart, zones one at a time), each
 * by its own platform run with the batch rules of its {@link VmGroupKind}; a VM that is not
 * healthy in time gets its previous version back. A group's extensions go one after another,
 * independently. A failed upgrade is tried again {@code retryInterval} (3 days) after it ended,
 * until it succeeds, is opted out, or a newer version supersedes it; attempts, last error and next
 * attempt come from the store's history, so they survive a restart. A newer major is only
 * reported ({@link UpgradeEventType#EXTENSION_MAJOR_AVAILABLE}). Opting out ({@link #enable} with
 * the updated model) or disabling cancels the run in flight after its batch. Thread-safe;
 * deterministic on a virtual scheduler. See docs/automatic-extension-upgrades.md.
 */
public final class AutomaticExtensionUpgrades implements AutoCloseable {
  /** Azure retries a failed extension upgrade every few days; this SDK waits 3 days unless told. */
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofDays(3);
  /** How often the catalog is read unless told. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(AutomaticExtensionUpgrades.class);

  private final ExtensionCatalog catalog;
  private final ExtensionRuns runs;
  private final SupportedExtensions supported;
  private final Duration pollInterval;
  private final Duration retryInterval;
  private final SerialExecutor executor;
  private final Map<String, ScaleSet> models = new ConcurrentHashMap<>(); // read without the lock by recoveries
  private final Map<String, WatchedGroup> watched = new TreeMap<>();
  private final List<ImageRollout> started = new ArrayList<>();
  // kept apart from the watch: a set disabled and enabled again while its batch finishes stays busy
  private final Map<String, ImageRollout> busy = new TreeMap<>(); // set -> the rollout it is in
  private final Map<String, String> busyExtension = new TreeMap<>(); // set -> the extension it rolls
  private final Map<String, String> awaitingRecovery = new TreeMap<>(); // set -> unfinished rollout not resumed yet
  private boolean pollAgain;
  private boolean recovered; // recover() ran: enable() no longer looks for unfinished rollouts
  private boolean selfRecoveryScheduled;
  private Map<String, String> unfinishedMembers; // set -> unfinished rollout, read once before recover()
  private Cancellable nextPoll;
  private boolean polling;
  private boolean closed;

  AutomaticExtensionUpgrades(AutomaticExtensionUpgradesBuilder b) {
    this.catalog = b.catalog;
    this.runs = b.runs;
    this.supported = b.supported;
    this.pollInterval = b.pollInterval;
    this.retryInterval = b.retryInterval;
    runs.requireAll();
    this.executor = new SerialExecutor(runs.scheduler, e -> LOG.error("automatic extension upgrades: {}", e.toString(), e));
    executor.mdc("service", "automatic-extension-upgrades");
  }

  /** Starts configuring the service on {@code catalog}. */
  public static AutomaticExtensionUpgradesBuilder builder(ExtensionCatalog catalog) {
    return new AutomaticExtensionUpgradesBuilder(catalog);
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
    // before the first recover(): a set of an unfinished rollout of the store waits for it
    Optional<String> unfinished = executor.read(() -> recovered) ? Optional.empty() : unfinishedRolloutOf(set.name());
    models.put(set.name(), set);
    executor.runNow(() -> {
      WatchedGroup w = watched.computeIfAbsent(set.name(), n -> new WatchedGroup());
      w.model = set;
      w.kind = kind;
      w.extensions.keySet().removeIf(name -> ExtensionState.optedIn(set, name).isEmpty());
      unfinished.filter(id -> !recovered).ifPresent(id -> {
        LOG.warn("{} is a member of unfinished rollout {}: it waits for recover() (done by the service itself "
            + "after {} if nobody calls it)", set.name(), id, pollInterval);
        awaitingRecovery.put(set.name(), id);
        if (!selfRecoveryScheduled) {
          selfRecoveryScheduled = true; // the host forgot recover(): the service does it once the sets had time
          executor.schedule(pollInterval, () -> executor.outside(() -> {
            if (!executor.read(() -> recovered || closed)) {
              recover();
            }
          }));
        }
      });
      ImageRollout rollout = busy.get(set.name());
      if (rollout != null && ExtensionState.optedIn(set, busyExtension.get(set.name())).isEmpty()) {
        LOG.info("{}: extension {} opted out; its run is cancelled after its batch", set.name(),
            busyExtension.get(set.name()));
        executor.outside(() -> rollout.remove(set.name()));
      }
      pollAgain = polling; // a poll in flight did not look at this set
      schedulePoll(Duration.ZERO);
    });
  }

  /** The unfinished extension rollout of the store {@code set} is a member of (the store is read once). */
  private Optional<String> unfinishedRolloutOf(String set) {
    Map<String, String> members = executor.read(() -> unfinishedMembers);
    if (members == null) {
      Map<String, String> read = runs.unfinishedMembers();
      executor.runNow(() -> unfinishedMembers = read);
      members = read;
    }
    return Optional.ofNullable(members.get(set));
  }

  /** Stops the watch of scale set {@code name}; its run in flight is cancelled (its batch finishes). */
  public void disable(String name) {
    models.remove(name);
    executor.runNow(() -> {
      watched.remove(name);
      ImageRollout rollout = busy.get(name); // stays busy until that rollout ends
      if (rollout != null) {
        executor.outside(() -> rollout.remove(name));
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
      WatchedGroup w = watched.get(name);
      if (w == null) {
        return List.of();
      }
      List<ExtensionUpgradeStatus> all = new ArrayList<>();
      for (Extension e : w.model.virtualMachineProfile().extensionProfile().extensions()) {
        if (e.enableAutomaticUpgrade()) {
          ExtensionUpgradeStatus st = w.ext(e).status(name, e.name(), e.name().equals(busyExtension.get(name))
              && busy.containsKey(name));
          all.add(awaitingRecovery.containsKey(name) ? new ExtensionUpgradeStatus(st.scaleSet(), st.extension(),
              st.installed(), st.target(), ExtensionUpgradeStatus.State.AWAITING_RECOVERY, st.attempts(),
              st.lastError(), st.nextAttempt(), st.newerMajor()) : st);
        }
      }
      return all;
    });
  }

  /** Every rollout the service started or picked up, oldest first. */
  public List<ImageRollout> rollouts() {
    return executor.read(() -> List.copyOf(started));
  }

  /** The member runs of those rollouts started on this host, oldest rollout first, in plan order within one. */
  public List<RollingUpgradeRun> runs() {
    List<RollingUpgradeRun> all = new ArrayList<>();
    for (ImageRollout r : rollouts()) {
      r.status().members().forEach(m -> r.run(m.scaleSetName()).ifPresent(all::add));
    }
    return all;
  }

  /**
   * Resumes the service's rollouts that had not finished (after a crash of the host) with the
   * models of the sets enabled so far: enable the sets first, then recover. A rollout another
   * owner still holds is tried again every third of a lease duration; its sets are not rolled
   * meanwhile. Returns the rollouts resumed now.
   */
  public List<ImageRollout> recover() {
    List<ImageRollout> resumed = new ArrayList<>();
    List<String> ids = runs.rollouts().unfinishedRollouts(true);
    // sets waiting for a rollout that finished meanwhile wait no longer
    executor.runNow(() -> {
      recovered = true;
      awaitingRecovery.values().removeIf(id -> !ids.contains(id));
    });
    for (String id : ids) {
      tryResume(id).ifPresent(resumed::add);
    }
    return resumed;
  }

  /**
   * Resumes rollout {@code id}, taking out the sets no longer enabled; held by another owner or
   * hit by a store error, it is tried again later and nothing new starts meanwhile. A plug-in call
   * (the store): never under the lock.
   */
  private Optional<ImageRollout> tryResume(String id) {
    if (executor.read(() -> closed || started.stream().anyMatch(r -> r.rolloutId().equals(id) && !r.isFinished()))) {
      return Optional.empty(); // closed, or this service drives it already
    }
    List<String> members = new ArrayList<>();
    try {
      members.addAll(runs.rollouts().membersOf(id));
      executor.runNow(() -> members.forEach(n -> awaitingRecovery.put(n, id)));
      java.util.Set<String> without = new java.util.TreeSet<>();
      runs.rollouts().extensionTargetsOf(id).forEach((set, target) -> {
        ScaleSet model = models.get(set);
        // disabled, not enabled again after the restart, or its extension opted out meanwhile
        if (model == null || ExtensionState.optedIn(model, target.name()).filter(e -> e.publisher().equalsIgnoreCase(
            target.publisher()) && e.type().equalsIgnoreCase(target.type())).isEmpty()) {
          without.add(set);
        }
      });
      ImageRollout rollout = runs.rollouts().models(models::get).resume(id, without);
      executor.runNow(() -> {
        awaitingRecovery.values().removeIf(id::equals);
        started.removeIf(r -> r.rolloutId().equals(id)); // the handle that stopped here, if any
        track(rollout);
      });
      return Optional.of(rollout);
    } catch (IllegalArgumentException | RolloutJournalException e) {
      LOG.error("rollout {} cannot be resumed: {}", id, e.getMessage());
      executor.runNow(() -> awaitingRecovery.values().removeIf(id::equals));
    } catch (RuntimeException e) {
      LOG.info("rollout {} is not resumed yet ({}); trying again in {}", id, e.getMessage(), runs.leaseThird());
      executor.runNow(() -> retryResume(id));
    }
    return Optional.empty();
  }

  private void retryResume(String id) {
    if (!closed) {
      executor.schedule(runs.leaseThird(), () -> executor.outside(() -> tryResume(id)));
    }
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
      pollAgain = polling; // one poll at a time; the one in flight polls again at its end
      return;
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
    WatchedGroup w = watched.get(name);
    if (w == null || busy.containsKey(name) || awaitingRecovery.containsKey(name)) {
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
              String why = SerialExecutor.unwrap(failure).getMessage();
              LOG.warn("{}: cannot list its instances: {}", name, why);
              runs.emit(executor, UpgradeEventType.INSTANCES_UNAVAILABLE, name, "cannot list the instances of " + name
                  + " (" + why + "); asked again at the next poll");
            }
            done.run();
            return;
          }
          AtomicInteger left = new AtomicInteger(opted.size());
          for (Extension e : opted) {
            w.ext(e).installed = ExtensionState.installed(list, e);
            executor.call(() -> "extension versions of " + e.type() + " in " + model.location(),
                () -> catalog.versions(model.location(), e.publisher(), e.type()), runs.options.callTimeout(),
                (published, error) -> {
                  if (error != null) {
                    runs.emit(executor, UpgradeEventType.CATALOG_ERROR, name, "extension catalog: " + e.publisher() + "/" + e.type()
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

  private void learn(String name, ExtensionState x, Extension e, List<String> published) {
    x.target(ExtensionVersions.next(e, x.installed, published).orElse(null));
    Optional<String> major = ExtensionVersions.newerMajor(e, published);
    if (major.isPresent() && !major.get().equals(x.announcedMajor)) {
      x.announcedMajor = major.get();
      runs.emit(executor, UpgradeEventType.EXTENSION_MAJOR_AVAILABLE, name, e.name() + ": version " + major.get()
          + " is published; a new major version is never applied automatically: change typeHandlerVersion to adopt it");
    }
    if (x.target != null && !x.target.equals(x.announcedTarget)) {
      x.announcedTarget = x.target;
      runs.emit(executor, UpgradeEventType.RELEASE_DETECTED, name, e.name() + ": version " + x.target + " is newer than "
          + x.installed);
    }
    retries(name, e.name(), x);
  }

  private void retries(String name, String extension, ExtensionState x) {
    x.readRetries(runs.store.history(UpgradeHistory.extensionKey(name, extension)), retryInterval, executor.now());
  }

  /**
   * Takes each idle set's first due extension (model order), and starts one rollout per release
   * over the sets due for it; sleeps until the next poll or the earliest retry.
   */
  private void decide() {
    if (closed) {
      return;
    }
    Instant now = executor.now();
    Instant wake = now.plus(pollInterval);
    Map<String, List<String[]>> releases = new TreeMap<>(); // release -> {set, extension, version}
    for (var entry : watched.entrySet()) {
      WatchedGroup w = entry.getValue();
      if (busy.containsKey(entry.getKey()) || awaitingRecovery.containsKey(entry.getKey())) {
        continue; // one extension of a set at a time; nothing new while its rollout waits to be resumed
      }
      for (Extension e : w.model.virtualMachineProfile().extensionProfile().extensions()) {
        ExtensionState x = w.extensions.get(e.name());
        if (!e.enableAutomaticUpgrade() || x == null || x.target == null) {
          continue;
        }
        Instant notBefore = x.notBefore().orElse(now);
        if (notBefore.isAfter(now)) {
          wake = notBefore.isBefore(wake) ? notBefore : wake;
          continue;
        }
        x.hold(null); // its wait is over
        String release = (e.publisher() + "/" + e.type()).toLowerCase(java.util.Locale.ROOT) + "@" + x.target;
        releases.computeIfAbsent(release, k -> new ArrayList<>()).add(new String[] {entry.getKey(), e.name(), x.target});
        break;
      }
    }
    releases.forEach((release, members) -> start(release, members));
    schedulePoll(pollAgain ? Duration.ZERO : Duration.between(now, wake));
    pollAgain = false;
  }

  private void start(String release, List<String[]> members) {
    RolloutBuilder b = runs.rollouts();
    for (String[] m : members) {
      WatchedGroup w = watched.get(m[0]);
      Extension e = ExtensionState.optedIn(w.model, m[1]).orElseThrow();
      // a failed instance gets back what the instances run now, not the model's older typeHandlerVersion
      b.member(w.model, TargetExtension.builder().from(TargetExtension.of(e, m[2]))
          .previousVersion(w.extensions.get(m[1]).installed).build(), w.kind.policy());
    }
    try {
      ImageRollout rollout = b.start();
      LOG.info("rolling {} out to {}", release, members.stream().map(m -> m[0]).toList());
      track(rollout);
    } catch (RuntimeException ex) {
      LOG.error("the rollout of {} could not start: {}", release, ex.getMessage());
      Instant retry = executor.now().plus(retryInterval);
      members.forEach(m -> watched.get(m[0]).extensions.get(m[1]).hold(retry));
    }
  }

  private void track(ImageRollout rollout) {
    started.add(rollout);
    RolloutStatus at = rollout.status();
    for (RolloutStatus.Member m : at.members()) {
      if (m.state() != RolloutStatus.MemberState.REMOVED) {
        busy.put(m.scaleSetName(), rollout);
        rollout.targetExtension(m.scaleSetName()).ifPresent(t -> busyExtension.put(m.scaleSetName(), t.name()));
      }
    }
    rollout.completion().whenComplete((status, failure) -> executor.execute(() -> {
      if (failure != null) {
        // it stopped on this host (store or lease trouble): resume it once its lease is free
        LOG.error("rollout {} stopped on this host; resuming it once its lease expires", rollout.rolloutId());
        at.members().forEach(m -> awaitingRecovery.put(m.scaleSetName(), rollout.rolloutId()));
        retryResume(rollout.rolloutId());
      }
      ended(rollout, status);
    }));
  }

  /** A rollout ended: failed members wait for their retry; untouched ones as long. */
  private void ended(ImageRollout rollout, RolloutStatus status) {
    Instant retry = executor.now().plus(retryInterval);
    List<String> members = busy.entrySet().stream().filter(e -> e.getValue() == rollout).map(Map.Entry::getKey).toList();
    for (String name : members) {
      busy.remove(name);
      String extension = busyExtension.remove(name);
      WatchedGroup w = watched.get(name);
      ExtensionState x = w == null || extension == null ? null : w.extensions.get(extension);
      RolloutStatus.MemberState state = status == null ? null : status.member(name).map(RolloutStatus.Member::state)
          .orElse(null);
      if (x == null || state == null || state == RolloutStatus.MemberState.REMOVED) {
        continue;
      }
      if (state == RolloutStatus.MemberState.PENDING) {
        x.hold(retry); // untouched: its rollout stopped elsewhere
        continue;
      }
      retries(name, extension, x);
      if (x.attempts > 0) {
        runs.emit(executor, UpgradeEventType.EXTENSION_RETRY_SCHEDULED, name, extension + " " + x.target + ": attempt "
            + x.attempts + " failed (" + x.lastError.code().orElse("") + ": " + x.lastError.message().orElse("")
            + "); next attempt at " + x.nextAttempt);
      }
    }
    schedulePoll(Duration.ZERO); // the sets' next extensions, or a version published meanwhile
  }
}
