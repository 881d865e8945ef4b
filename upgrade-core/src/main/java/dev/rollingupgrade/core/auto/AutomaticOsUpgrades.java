package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.Versions;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Cancellable;
import dev.rollingupgrade.api.spi.ImageCatalog;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.exec.SerialExecutor;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every enabled scale set on the latest image of its region (DESIGN §6), with no code of
 * the user's beyond the SPIs:
 *
 * <pre>{@code
 * AutomaticOsUpgrades auto = AutomaticOsUpgrades.builder(catalog)
 *     .rollouts(ImageRollout.builder().driver(driver).health(health).scheduler(scheduler).store(store)
 *         .regionPairs(RegionPairs.azure()))
 *     .build();
 * auto.enable(webEu);            // checks the requirements, then watches the catalog
 * auto.enable(webUs);
 * }</pre>
 *
 * <p>Every {@code pollInterval} it reads the catalog once per image and region. When a version
 * higher than what a set's instances run becomes latest in its region (platform image: published
 * there; gallery image: replicated there and not excluded from latest), the set is due: the first
 * time after enabling within {@code firstRolloutWithin}, later 30–60 minutes after the release was
 * seen (see {@link AutomaticUpgradeTiming}). Due sets of one release start one {@link ImageRollout}
 * across their regions, availability first; each set's run targets that exact version, never
 * another SKU, publisher or offer. A set in a rollout or a manual run is not looked at until it
 * ends, so a version published meanwhile is picked up after. A release whose rollout faulted (or
 * left the set untouched after a fault) is not retried automatically; a newer version is. Catalog
 * errors are retried with backoff and reported as {@link UpgradeEventType#CATALOG_ERROR} events,
 * never a crash of the service. Thread-safe.
 */
public final class AutomaticOsUpgrades implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AutomaticOsUpgrades.class);

  private final ImageCatalog catalog;
  private final RolloutBuilder rollouts;
  private final AutomaticUpgradeTiming timing;
  private final SupportedImages supported;
  private final SerialExecutor executor;
  private final Map<String, Watched> watched = new TreeMap<>();
  private final Map<String, Instant> releasesSeen = new TreeMap<>();
  private final TreeSet<String> halted = new TreeSet<>();
  private final Map<String, ImageRollout> busyInRollout = new TreeMap<>();
  private final Map<String, RollingUpgradeRun> manualRuns = new TreeMap<>();
  private final Map<String, String> awaitingRecovery = new TreeMap<>(); // set -> unfinished rollout not resumed yet
  // read without the service's lock: a rollout asks for models while holding its own
  private final Map<String, ScaleSet> models = new ConcurrentHashMap<>();
  private final List<ImageRollout> started = new ArrayList<>();
  private int catalogFailures;
  private Cancellable nextPoll;
  private boolean closed;

  AutomaticOsUpgrades(AutomaticOsUpgradesBuilder b) {
    this.catalog = b.catalog;
    this.rollouts = b.rollouts;
    this.timing = b.timing;
    this.supported = b.supported;
    rollouts.requireAllPublic();
    this.executor = new SerialExecutor(rollouts.scheduler, e -> LOG.error("automatic OS upgrades: {}", e.toString(), e));
    executor.mdc("service", "automatic-os-upgrades");
  }

  /** Starts configuring the service on {@code catalog}. */
  public static AutomaticOsUpgradesBuilder builder(ImageCatalog catalog) {
    return new AutomaticOsUpgradesBuilder(catalog);
  }

  /**
   * Starts (or, for a set already enabled, updates) the watch of {@code set}.
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException listing every unmet requirement
   *     with its JSON path (automatic OS upgrades off, unsupported image, ...)
   */
  public void enable(ScaleSet set) {
    if (!set.upgradePolicy().automaticOSUpgradePolicy().enableAutomaticOSUpgrade()) {
      throw new IllegalArgumentException("scale set " + set.name() + " has properties.upgradePolicy."
          + "automaticOSUpgradePolicy.enableAutomaticOSUpgrade=false: turn it on in the model first");
    }
    OsUpgradeRequirements.require(set, supported);
    models.put(set.name(), set);
    executor.runNow(() -> {
      Watched w = watched.get(set.name());
      if (w != null) {
        w.model = set;
        return;
      }
      Watched fresh = new Watched(set, executor.now(), new SplittableRandom(timing.seed() ^ set.name().hashCode())
          .nextLong(timing.firstRolloutWithin().getSeconds() + 1));
      watched.put(set.name(), fresh);
      LOG.info("automatic OS upgrades enabled for {}: first rollout within {}", set.name(), timing.firstRolloutWithin());
      learnCurrentVersion(fresh); // the first poll follows its answer
    });
  }

  /**
   * Stops the watch of scale set {@code name}; its run in a rollout in flight is cancelled (its
   * batch finishes). Does nothing for a set not enabled.
   */
  public void disable(String name) {
    executor.runNow(() -> {
      if (watched.remove(name) == null) {
        return;
      }
      models.remove(name);
      LOG.info("automatic OS upgrades disabled for {}", name);
      Optional.ofNullable(busyInRollout.get(name)).ifPresent(r -> executor.outside(() -> r.remove(name)));
    });
  }

  /** Names of the enabled scale sets. */
  public List<String> enabled() {
    return executor.read(() -> List.copyOf(watched.keySet()));
  }

  /** Every rollout this service started or resumed, oldest first. */
  public List<ImageRollout> rollouts() {
    return executor.read(() -> List.copyOf(started));
  }

  /**
   * A user-started OS upgrade of {@code set} to the latest version of its region (Azure
   * {@code osRollingUpgrade}): no automatic rollback; instances already at that version are not
   * touched. Completes with the started run, or exceptionally with
   * {@link OperationNotAllowedException} when the model's image does not follow {@code latest} or
   * an OS upgrade of the set is in flight, or with the catalog's error.
   */
  public CompletionStage<RollingUpgradeRun> startOsUpgrade(ScaleSet set) {
    CompletableFuture<RollingUpgradeRun> result = new CompletableFuture<>();
    ImageReference image = set.virtualMachineProfile().imageReference();
    if (!image.followsLatest()) {
      result.completeExceptionally(new OperationNotAllowedException("the OS upgrade of " + set.name()
          + " cannot start: no instance of it uses version 'latest' (its image is " + image.display()
          + "); set properties.virtualMachineProfile.storageProfile.imageReference.version to 'latest'"));
      return result;
    }
    executor.execute(() -> {
      if (busy(set.name())) {
        result.completeExceptionally(new OperationNotAllowedException("an OS upgrade of " + set.name()
            + " is in flight; wait for it to end or cancel it"));
        return;
      }
      manualRuns.put(set.name(), null); // reserved while the catalog answers
      executor.call(() -> "latest image of " + set.name(), () -> latest(set), rollouts.options.callTimeout(),
          (latest, failure) -> {
            manualRuns.remove(set.name());
            if (failure != null || latest.isEmpty()) {
              result.completeExceptionally(failure != null ? failure : new OperationNotAllowedException(
                  "no version of " + image.display() + " is available in " + set.location()));
              return;
            }
            try {
              RollingUpgradeRun run = manualRun(set, ImageVersions.at(image, latest.get()));
              manualRuns.put(set.name(), run);
              run.completion().whenComplete((entry, f) -> executor.execute(() -> {
                manualRuns.remove(set.name());
                if (entry != null && entry.runningStatus().flatMap(RunningStatus::code)
                    .orElse(null) == RollingUpgradeStatusCode.COMPLETED) {
                  Optional.ofNullable(watched.get(set.name())).ifPresent(w -> w.current = latest.get());
                }
              }));
              result.complete(run);
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    });
    return result;
  }

  /**
   * Resumes the rollouts of the store that had not finished (after a crash of the host), with the
   * models of the sets enabled so far: enable the sets first, then recover. A rollout another
   * owner still holds (its host died less than a lease duration ago) is tried again every third of
   * a lease duration until it can be resumed; its sets are not rolled meanwhile. Returns the
   * rollouts resumed now.
   */
  public List<ImageRollout> recover() {
    List<ImageRollout> resumed = new ArrayList<>();
    for (String id : rollouts.unfinishedRollouts(false)) {
      tryResume(id).ifPresent(resumed::add);
    }
    return resumed;
  }

  /**
   * Resumes rollout {@code id}, taking out the sets no longer enabled; held by another owner or
   * hit by a store error, its sets stay busy and it is tried again later. A plug-in call (the
   * store): never under the lock.
   */
  private Optional<ImageRollout> tryResume(String id) {
    if (executor.read(() -> closed || started.stream().anyMatch(r -> r.rolloutId().equals(id) && !r.isFinished()))) {
      return Optional.empty(); // closed, or this service drives it already
    }
    try {
      List<String> members = rollouts.membersOf(id);
      executor.runNow(() -> members.forEach(n -> awaitingRecovery.put(n, id)));
      Set<String> without = new TreeSet<>(members);
      without.removeAll(models.keySet()); // disabled meanwhile, or not enabled again after the restart
      ImageRollout rollout = rollouts.copy().models(models::get).resume(id, without);
      executor.runNow(() -> {
        members.forEach(n -> awaitingRecovery.remove(n, id));
        started.removeIf(r -> r.rolloutId().equals(id)); // the handle that stopped here, if any
        track(rollout, members.stream().filter(models::containsKey).toList());
      });
      return Optional.of(rollout);
    } catch (IllegalArgumentException | RolloutJournalException e) {
      LOG.error("rollout {} cannot be resumed: {}", id, e.getMessage());
      executor.runNow(() -> awaitingRecovery.values().removeIf(id::equals));
    } catch (RuntimeException e) {
      // held by another owner, or the store failed: its sets wait, and it is tried again
      LOG.info("rollout {} is not resumed yet ({}); trying again in {}", id, e.getMessage(), leaseThird());
      executor.runNow(() -> retryResume(id));
    }
    return Optional.empty();
  }

  private void retryResume(String id) {
    if (!closed) {
      executor.schedule(leaseThird(), () -> executor.outside(() -> tryResume(id)));
    }
  }

  private Duration leaseThird() {
    return rollouts.options.leaseDuration().dividedBy(3);
  }

  /** Stops watching; rollouts and runs in flight go on. */
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

  /** Reads what the set's instances run; until that is known the set is never rolled (a stale guess could downgrade it). */
  private void learnCurrentVersion(Watched w) {
    String name = w.model.name();
    executor.call(() -> "listInstances(" + name + ")", () -> rollouts.driver.listInstances(name),
        rollouts.options.callTimeout(), (list, failure) -> {
          if (failure == null) {
            // a preview an instance runs says nothing about where the numbered releases are
            w.current = list.stream().flatMap(i -> i.appliedImage().stream())
                .flatMap(i -> ImageVersions.versionOf(i).stream()).filter(Versions::isNumeric)
                .max(ImageVersions.ORDER).orElse(null);
            w.currentKnown = true;
            schedulePoll(Duration.ZERO);
          } else {
            String why = SerialExecutor.unwrap(failure).getMessage();
            LOG.warn("automatic OS upgrades: cannot list the instances of {} (asked again in {}): {}", name,
                timing.catalogRetry(), why);
            rollouts.emit(executor, UpgradeEventType.INSTANCES_UNAVAILABLE, name, "", 0, "cannot list the instances of "
                + name + " (" + why + "); asked again in " + timing.catalogRetry());
            schedulePoll(timing.catalogRetry());
          }
        });
  }

  private void schedulePoll(Duration delay) {
    if (closed) {
      return;
    }
    if (nextPoll != null) {
      nextPoll.cancel();
    }
    nextPoll = executor.schedule(delay, this::poll);
  }

  private void poll() {
    Map<String, List<String>> setsByQuery = new TreeMap<>();
    watched.forEach((name, w) -> {
      if (!busy(name) && !w.currentKnown) {
        learnCurrentVersion(w);
      } else if (!busy(name)) {
        setsByQuery.computeIfAbsent(ImageVersions.queryKey(w.model), k -> new ArrayList<>()).add(name);
      }
    });
    if (setsByQuery.isEmpty()) {
      schedulePoll(timing.pollInterval());
      return;
    }
    Map<String, Optional<String>> answers = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    for (var query : setsByQuery.entrySet()) {
      ScaleSet model = watched.get(query.getValue().get(0)).model;
      executor.call(() -> "image catalog " + query.getKey(), () -> latest(model), rollouts.options.callTimeout(),
          (latest, failure) -> {
            if (failure != null) {
              errors.add(query.getKey() + ": " + SerialExecutor.unwrap(failure).getMessage());
            } else {
              answers.put(query.getKey(), latest);
            }
            if (answers.size() + errors.size() == setsByQuery.size()) {
              decide(setsByQuery, answers, errors);
            }
          });
    }
  }

  private void decide(Map<String, List<String>> setsByQuery, Map<String, Optional<String>> answers,
      List<String> errors) {
    if (closed) {
      return; // closed while the catalog answered
    }
    Instant now = executor.now();
    Instant wake = now.plus(timing.pollInterval());
    if (!errors.isEmpty()) {
      catalogFailures++;
      Duration retry = timing.catalogRetry().multipliedBy(1L << Math.min(20, catalogFailures - 1));
      retry = retry.compareTo(timing.pollInterval()) > 0 ? timing.pollInterval() : retry;
      wake = now.plus(retry);
      String message = errors.size() + " catalog read(s) failed, retry in " + retry + ": " + String.join("; ", errors);
      LOG.warn("automatic OS upgrades: {}", message);
      rollouts.emit(executor, UpgradeEventType.CATALOG_ERROR, "", "", 0, message);
    } else {
      catalogFailures = 0;
    }
    Map<String, List<String>> pending = new TreeMap<>(); // release -> sets behind it
    TreeSet<String> due = new TreeSet<>(); // releases with at least one set due
    for (var query : setsByQuery.entrySet()) {
      Optional<String> latest = answers.getOrDefault(query.getKey(), Optional.empty());
      for (String name : query.getValue()) {
        Watched w = watched.get(name);
        if (w != null && w.currentKnown && w.firstLatest == null && latest.isPresent()) {
          w.firstLatest = latest.get(); // what was out when the set was enabled
        }
        if (w == null || !w.currentKnown || latest.isEmpty() || busy(name) || halted.contains(name + "@" + latest.get())
            || (w.current != null && Versions.compare(latest.get(), w.current) <= 0)) {
          continue;
        }
        Instant dueAt = dueTime(w, query.getKey(), latest.get(), now);
        if (!latest.get().equals(w.announced)) {
          w.announced = latest.get();
          rollouts.emit(executor, UpgradeEventType.RELEASE_DETECTED, name, "", 0, "version " + latest.get() + " of "
              + w.model.virtualMachineProfile().imageReference().display() + " is latest in " + w.model.location()
              + "; rollout due at " + dueAt);
        }
        String release = ImageVersions.releaseKey(w.model, latest.get());
        pending.computeIfAbsent(release, k -> new ArrayList<>()).add(name);
        if (dueAt.isAfter(now)) {
          wake = dueAt.isBefore(wake) ? dueAt : wake;
        } else {
          due.add(release);
        }
      }
    }
    // one set due starts the release's rollout with every set behind it: earlier than its own due
    // time is allowed ("within"), and one rollout over all regions is what keeps them phased
    for (String release : due) {
      startRollout(pending.get(release), release.substring(release.lastIndexOf('@') + 1));
    }
    schedulePoll(Duration.between(now, wake));
  }

  private Instant dueTime(Watched w, String query, String version, Instant now) {
    String release = query + "@" + version;
    Instant seen = releasesSeen.computeIfAbsent(release, k -> now);
    // the first rollout's window covers what was out when the set was enabled; later releases wait as usual
    if (!w.hadRollout && version.equals(w.firstLatest)) {
      return w.enabledAt.plusSeconds(w.firstDelaySeconds);
    }
    long span = timing.releaseDelayMax().minus(timing.releaseDelayMin()).getSeconds();
    long jitter = new SplittableRandom(timing.seed() ^ release.hashCode()).nextLong(span + 1);
    return seen.plus(timing.releaseDelayMin()).plusSeconds(jitter);
  }

  private void startRollout(List<String> names, String version) {
    if (closed) {
      return;
    }
    RolloutBuilder b = rollouts.copy();
    for (String name : names) {
      ScaleSet model = watched.get(name).model;
      b.member(model, ImageVersions.at(model.virtualMachineProfile().imageReference(), version));
    }
    try {
      ImageRollout rollout = b.start();
      track(rollout, names);
    } catch (RuntimeException e) {
      LOG.error("automatic OS upgrades: the rollout of {} to {} could not start: {}", names, version, e.getMessage());
    }
  }

  private void track(ImageRollout rollout, List<String> names) {
    started.add(rollout);
    names.forEach(n -> busyInRollout.put(n, rollout));
    names.forEach(n -> Optional.ofNullable(watched.get(n)).ifPresent(w -> w.hadRollout = true));
    rollout.completion().whenComplete((status, failure) -> executor.execute(() -> {
      names.forEach(n -> busyInRollout.remove(n, rollout));
      if (failure != null) {
        // it stopped on this host (store or lease trouble): its journal is unfinished; resume it when its lease is free
        LOG.error("rollout {} stopped on this host; resuming it once its lease expires", rollout.rolloutId());
        names.forEach(n -> awaitingRecovery.put(n, rollout.rolloutId()));
        retryResume(rollout.rolloutId());
        return;
      }
      if (status != null) {
        for (RolloutStatus.Member m : status.members()) {
          Optional<String> version = rollout.targetVersion(m.scaleSetName());
          Watched w = watched.get(m.scaleSetName());
          if (w == null || version.isEmpty()) {
            continue;
          }
          switch (m.state()) {
            case COMPLETED -> w.current = version.get();
            // a fault, or a user's cancel: that release is not rolled again automatically (a newer one is)
            case FAULTED, PENDING, CANCELLED -> halted.add(m.scaleSetName() + "@" + version.get());
            default -> { }
          }
        }
      }
      schedulePoll(Duration.ZERO); // a version published meanwhile is picked up now
    }));
  }

  private RollingUpgradeRun manualRun(ScaleSet set, ImageReference target) {
    RollingUpgrade run = RollingUpgrade.of(set).driver(rollouts.driver).health(rollouts.health)
        .scheduler(rollouts.scheduler).store(rollouts.store).options(rollouts.options)
        .startedBy(UpgradeOperationInvoker.USER).rollback(false).targetImage(target)
        .policy(RolloutBuilder.policyOf(set));
    rollouts.configure(run);
    return run.start();
  }

  private boolean busy(String name) {
    return busyInRollout.containsKey(name) || manualRuns.containsKey(name) || awaitingRecovery.containsKey(name);
  }

  private CompletionStage<Optional<String>> latest(ScaleSet set) {
    return ImageVersions.latest(catalog, set);
  }

  /** One enabled scale set. */
  private static final class Watched {
    ScaleSet model;
    final Instant enabledAt;
    final long firstDelaySeconds;
    String current;
    boolean currentKnown;
    String firstLatest; // the latest version at the first catalog answer after enabling
    String announced;
    boolean hadRollout;

    Watched(ScaleSet model, Instant enabledAt, long firstDelaySeconds) {
      this.model = model;
      this.enabledAt = enabledAt;
      this.firstDelaySeconds = firstDelaySeconds;
    }
  }
}
