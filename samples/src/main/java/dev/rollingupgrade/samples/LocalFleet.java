package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.health.ApplicationHealthSettings;
import dev.rollingupgrade.core.health.ApplicationHealthSignal;
import dev.rollingupgrade.core.run.BatchRun;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.store.FileRolloutStore;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code fleet} sample's orchestration, apart from its command line (the benchmark runs it
 * too): N {@link FleetInstance} processes rolled from {@link #V1} to {@link #V2} by a real
 * {@link RollingUpgrade} on the {@link SystemScheduler}, health from the built-in
 * {@link ApplicationHealthSignal} (its settings read from the model's application health
 * extension), decisions in a {@link FileRolloutStore} journal in the state directory, instances
 * driven by a {@link LocalProcessDriver}.
 *
 * <p><b>Crash and resume.</b> With {@code crashAfterBatch} K the run is abandoned as batch K ends
 * (no more driver calls or journal writes, as if the host died) and the driver is detached: the
 * instance processes keep running, recorded in the state directory. A later run with
 * {@code resume} adopts them from there and finishes the run from its journal
 * ({@link RolloutRecovery}): nothing is upgraded twice. Otherwise no instance process outlives
 * {@link #run}: they are stopped when it returns, when it fails, and by a shutdown hook when the
 * JVM is interrupted (Ctrl-C).
 */
final class LocalFleet {
  static final ImageReference BASE = ImageReference.platform("local", "fleet-app", "http", "1.0.0");
  static final String V1 = "1.0.0";
  static final String V2 = "2.0.0";
  static final String SCALE_SET = "fleet";
  /** The options of the run in a state directory, saved as it starts, so that {@code --resume} resumes that run. */
  static final String OPTIONS_FILE = "fleet.properties";
  /** The command-line options that shape the run, saved and resumed. */
  static final List<String> RUN_OPTIONS = List.of("--instances", "--break", "--probe-interval-ms",
      "--health-timeout-ms");

  /** What to run. */
  record Options(int instances, int broken, int crashAfterBatch, boolean resume, Path stateDir, Duration probeInterval,
      Duration healthTimeout, Duration startTimeout, long idleExitSeconds) {}

  /**
   * How it went: the final history entry (null when the run was crashed on purpose), the version
   * of each instance at the end, every instance pid seen, and the timings of the run.
   */
  record Result(UpgradeHistoryEntry end, boolean crashed, Map<String, String> versions, Set<Long> pids,
      Duration makespan, Duration lowerBound, List<BatchRun> batches) {}

  /** A problem to report in one line (exit code 2). */
  static final class FleetException extends RuntimeException {
    FleetException(String message) {
      super(message);
    }
  }

  private LocalFleet() {}

  /** The scale set: an application health extension probing {@code /health} every {@code probeInterval}. */
  static ScaleSet model(int instances, Duration probeInterval, Duration healthTimeout) {
    Extension health = Extension.builder().name("health").publisher(Extension.HEALTH_EXTENSION_PUBLISHER)
        .type("ApplicationHealthLinux").typeHandlerVersion("2.0")
        // the port is each process's own (the resolver maps it); fractions of a second are an SDK extension
        .settings(Map.of("protocol", "http", "port", 8080, "requestPath", "/health",
            "intervalInSeconds", probeInterval.toMillis() / 1000.0, "numberOfProbes", 1))
        .build();
    return ScaleSet.builder().name(SCALE_SET).location("local").capacity(instances)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(image(V2))
            .extensionProfile(ExtensionProfile.builder().addExtensions(health).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(
            RollingUpgradePolicy.builder().healthTimeout(healthTimeout).build()).build())
        .build();
  }

  static ImageReference image(String version) {
    return ImageReference.platform("local", "fleet-app", "http", version);
  }

  /** The instances whose v2 is broken: the last {@code k} ids, so that earlier batches succeed. */
  static Set<String> brokenIds(int instances, int k) {
    Set<String> ids = new TreeSet<>();
    for (int i = Math.max(0, instances - k); i < instances; i++) {
      ids.add(String.valueOf(i));
    }
    return ids;
  }

  /**
   * Runs (or resumes) the fleet's upgrade, printing progress on {@code out}.
   *
   * @throws FleetException for a state directory in the wrong state (a live fleet without
   *     {@code resume}, nothing to resume) or an instance that does not start
   */
  static Result run(Options o, PrintWriter out) {
    Path dir = o.stateDir();
    boolean recorded = Files.exists(dir.resolve(LocalProcessDriver.STATE_FILE));
    if (o.resume() && !recorded) { // said before anything is made on disk
      throw new FleetException("nothing to resume in " + dir + ": no fleet was left running there");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new FleetException("cannot make the state directory " + dir + ": " + e.getMessage());
    }
    List<ProcessHandle> left = LocalProcessDriver.recordedProcesses(dir);
    if (!o.resume() && !left.isEmpty()) {
      throw new FleetException("instances of an unfinished fleet still run from " + dir + " (pids "
          + left.stream().map(p -> String.valueOf(p.pid())).toList() + "): finish it with fleet --resume --state-dir "
          + dir);
    }
    if (!o.resume()) {
      saveOptions(o);
    }
    ScaleSet set = model(o.instances(), o.probeInterval(), o.healthTimeout());
    LocalProcessDriver driver = new LocalProcessDriver(dir, BASE, brokenIds(o.instances(), o.broken()), V2,
        o.startTimeout(), o.idleExitSeconds());
    AtomicReference<RollingUpgradeRun> handle = new AtomicReference<>();
    Thread hook = new Thread(() -> { // Ctrl-C: no instance outlives the command, and nothing false is journalled
      RollingUpgradeRun r = handle.get();
      if (r != null) {
        r.abandon(); // as a crash: no further call, journal write or event; --resume finishes the run
      }
      driver.stopForResume();
    }, "fleet-stop-instances");
    Runtime.getRuntime().addShutdownHook(hook);
    Set<Long> pids = new TreeSet<>();
    long t0 = System.nanoTime();
    try (SystemScheduler scheduler = SystemScheduler.withThreads(2);
        FileRolloutStore store = FileRolloutStore.open(dir.resolve("journal.log"))) {
      if (o.resume()) {
        int alive = driver.adopt();
        out.println("Resuming the fleet in " + dir + ": " + alive + " instance processes still running");
        int started = driver.startStopped();
        if (started > 0) {
          out.println("  started again " + started + " stopped instances at their recorded versions");
        }
      } else {
        out.println("Fleet of " + o.instances() + " instances (processes on 127.0.0.1), rolling from " + V1 + " to "
            + V2 + (o.broken() > 0 ? "; " + V2 + " is broken on " + brokenIds(o.instances(), o.broken()) : "")
            + "; state in " + dir);
        driver.launch(o.instances(), V1);
      }
      pids.addAll(driver.everyPid());
      out.println("  instances: " + describe(driver));
      ApplicationHealthSettings settings = ApplicationHealthSettings.of(set).orElseThrow();
      try (ApplicationHealthSignal health = ApplicationHealthSignal.builder(settings)
          .resolver((scaleSet, id, port) -> driver.address(id)).scheduler(scheduler)
          .probeTimeout(probeTimeout(o.healthTimeout())).build()) {
        CompletableFuture<Void> crashed = new CompletableFuture<>();
        UpgradeListener progress = event -> {
          if (crashed.isDone()) {
            return; // events the run had queued when it was abandoned: a dead host prints nothing
          }
          out.println(line(t0, event));
          if (event.type() == UpgradeEventType.BATCH_FINISHED) {
            RollingUpgradeRun r = handle.get();
            if (o.crashAfterBatch() > 0 && event.batch().orElse(0) == o.crashAfterBatch() && r != null) {
              r.abandon(); // the host "dies" here: no further call, journal write or event
              driver.detach();
              crashed.complete(null);
              return;
            }
            if (r != null) {
              out.print(r.heatMap().toText(false));
            }
          }
        };
        long start = System.nanoTime();
        RollingUpgradeRun run;
        if (o.resume()) {
          List<RollingUpgradeRun> runs = RolloutRecovery.of(store).driver(health.tracking(driver)).health(health)
              .scheduler(scheduler).models(name -> set).listener(progress).resumeAll();
          if (runs.isEmpty()) {
            throw new FleetException("the journal in " + dir + " has no unfinished run to resume");
          }
          run = runs.get(0);
        } else {
          run = RollingUpgrade.of(set).driver(health.tracking(driver)).health(health).scheduler(scheduler).store(store)
              .rollback(true).listener(progress).start();
        }
        handle.set(run);
        CompletableFuture<Long> finished = run.completion().toCompletableFuture().thenApply(e -> System.nanoTime());
        CompletableFuture.anyOf(finished, crashed).get();
        pids.addAll(driver.everyPid());
        if (crashed.isDone()) {
          out.println("Crashed after batch " + o.crashAfterBatch() + " as asked: the orchestrator stops here and "
              + driver.pids().size() + " instance processes keep running. Finish with: fleet --resume --state-dir " + dir);
          return new Result(null, true, driver.versions(), pids, Duration.ZERO, Duration.ZERO, run.batches());
        }
        UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
        Duration makespan = Duration.ofNanos(finished.join() - start);
        out.print(run.heatMap().toText(false));
        if (o.crashAfterBatch() > 0) {
          out.println("No crash: the run had fewer than " + o.crashAfterBatch() + " batches.");
        }
        return new Result(end, false, driver.versions(), pids, makespan, lowerBound(run.batches(), driver),
            run.batches());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FleetException("interrupted");
    } catch (ExecutionException e) {
      throw new FleetException("the run failed: " + e.getCause());
    } catch (UncheckedIOException e) {
      throw new FleetException(e.getMessage() + ": " + e.getCause().getMessage());
    } finally {
      pids.addAll(driver.everyPid());
      driver.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (or ran) anyway
      }
    }
  }

  /**
   * How long one probe may take: 3 s (a busy machine answers late, and late is not unhealthy yet),
   * but at most half the health timeout, so that a healthy instance has time for a second probe.
   */
  static Duration probeTimeout(Duration healthTimeout) {
    Duration half = healthTimeout.dividedBy(2);
    return half.compareTo(Duration.ofSeconds(3)) < 0 ? half : Duration.ofSeconds(3);
  }

  private static void saveOptions(Options o) {
    String text = "# fleet sample: the options of the run in this directory (read back by --resume)\n"
        + "--instances=" + o.instances() + "\n--break=" + o.broken() + "\n--probe-interval-ms="
        + o.probeInterval().toMillis() + "\n--health-timeout-ms=" + o.healthTimeout().toMillis() + "\n";
    try {
      Path tmp = o.stateDir().resolve(OPTIONS_FILE + ".tmp");
      Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
      Files.move(tmp, o.stateDir().resolve(OPTIONS_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new FleetException("cannot write " + o.stateDir().resolve(OPTIONS_FILE) + ": " + e.getMessage());
    }
  }

  /**
   * The options to resume with: those the run in {@code given.stateDir()} was started with, read
   * from {@link #OPTIONS_FILE}, so that the resumed run is the one that crashed. An option given
   * again ({@code explicit}) must say the same.
   *
   * @throws FleetException if there is nothing to resume, the saved options cannot be read, or an
   *     explicit option conflicts with them
   */
  static Options resumeOptions(Options given, Set<String> explicit) {
    Path dir = given.stateDir();
    if (!Files.exists(dir.resolve(LocalProcessDriver.STATE_FILE))) {
      throw new FleetException("nothing to resume in " + dir + ": no fleet was left running there");
    }
    java.util.Properties saved = new java.util.Properties();
    try (var in = Files.newBufferedReader(dir.resolve(OPTIONS_FILE), java.nio.charset.StandardCharsets.UTF_8)) {
      saved.load(in);
    } catch (IOException e) {
      throw new FleetException("cannot read how the fleet in " + dir + " was started (" + OPTIONS_FILE + "): "
          + e.getMessage());
    }
    Map<String, Long> now = Map.of("--instances", (long) given.instances(), "--break", (long) given.broken(),
        "--probe-interval-ms", given.probeInterval().toMillis(), "--health-timeout-ms",
        given.healthTimeout().toMillis());
    Map<String, Long> then = new LinkedHashMap<>();
    List<String> conflicts = new ArrayList<>();
    for (String name : RUN_OPTIONS) {
      long value;
      try {
        value = Long.parseLong(saved.getProperty(name, "").trim());
      } catch (NumberFormatException e) {
        throw new FleetException(dir.resolve(OPTIONS_FILE) + " has no valid " + name);
      }
      then.put(name, value);
      if (explicit.contains(name) && now.get(name) != value) {
        conflicts.add(name + " " + now.get(name) + " (the run was started with " + name + " " + value + ")");
      }
    }
    if (!conflicts.isEmpty()) {
      throw new FleetException("--resume finishes the run as it was started: " + String.join(", ", conflicts)
          + "; leave the option out");
    }
    return new Options(Math.toIntExact(then.get("--instances")), Math.toIntExact(then.get("--break")),
        given.crashAfterBatch(), true, dir, Duration.ofMillis(then.get("--probe-interval-ms")),
        Duration.ofMillis(then.get("--health-timeout-ms")), given.startTimeout(), given.idleExitSeconds());
  }

  /**
   * The shortest the run could take: for each batch, the longest restart of its instances (stop
   * the process, start the new version, until it listens — and a healthy instance answers healthy
   * as soon as it listens, so its time to healthy is in there).
   */
  static Duration lowerBound(List<BatchRun> batches, LocalProcessDriver driver) {
    Map<String, Duration> restarts = driver.restartTimes();
    Duration sum = Duration.ZERO;
    for (BatchRun b : batches) {
      Duration longest = Duration.ZERO;
      for (String id : b.instanceIds()) {
        Duration d = restarts.getOrDefault(id, Duration.ZERO);
        longest = d.compareTo(longest) > 0 ? d : longest;
      }
      sum = sum.plus(longest);
    }
    return sum;
  }

  private static String describe(LocalProcessDriver driver) {
    Map<String, String> v = driver.versions();
    List<String> parts = new ArrayList<>();
    v.forEach((id, version) -> {
      var address = driver.address(id);
      parts.add(id + "=" + version + (address == null ? "" : "@:" + address.getPort()));
    });
    return String.join(" ", parts);
  }

  private static String line(long t0, UpgradeEvent e) {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String at = String.format(Locale.ROOT, "[%02d:%02d.%03d] ", ms / 60_000, ms / 1000 % 60, ms % 1000);
    String ids = String.join(", ", e.instanceIds());
    String message = e.message().orElse("");
    return at + switch (e.type()) {
      case RUN_STARTED -> "run started: " + message;
      case RUN_RESUMED -> "run resumed from the journal: " + message;
      case BATCH_STARTED -> "batch " + e.batch().orElse(0) + " (" + ids + "): " + message;
      case INSTANCE_UPGRADE_STARTED -> "  " + ids + ": restarting on " + V2;
      case INSTANCE_HEALTH_WAIT_STARTED -> "  " + ids + ": listening; waiting for its health probe";
      case INSTANCE_HEALTHY -> "  " + ids + ": healthy on " + V2;
      case INSTANCE_FAILED -> "  " + ids + ": FAILED (" + e.code().orElse("") + "): " + message;
      case INSTANCE_ROLLED_BACK -> "  " + ids + ": rolled back to " + V1;
      case INSTANCE_ROLLBACK_FAILED -> "  " + ids + ": rollback FAILED: " + message;
      case BATCH_FINISHED -> "batch " + e.batch().orElse(0) + " done: " + message;
      case RUN_FINISHED -> "run ended: " + message;
      default -> e.type() + " " + ids + " " + message;
    };
  }

  /** Version counts, e.g. {@code 2.0.0 x4, 1.0.0 x1}. */
  static String tally(Map<String, String> versions) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    versions.values().forEach(v -> counts.merge(v, 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((v, n) -> parts.add(v + " x" + n));
    return String.join(", ", parts);
  }
}
