package dev.rollingupgrade.testkit.sim;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.store.FileRolloutStore;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.check.RolloutInvariants;
import dev.rollingupgrade.testkit.check.RunRecorder;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A seeded simulation of one rolling upgrade on a {@link FakeFleet} in virtual time, checked by
 * the {@link RolloutInvariants}: the same options always give the same run, call for call, and
 * the same {@link Result#digest()} — with or without a crash of the host in the middle. The seed picks which instances never become healthy (the
 * fault rate) and jitters each upgrade's latency by up to 30 seconds. The run is started by the
 * platform, so failed instances are rolled back. Not thread-safe; each {@link #run()} is
 * independent.
 */
public final class Simulation {
  /** The image the fleet runs at the start. */
  public static final ImageReference FROM = RolloutTestEnvironment.CURRENT_IMAGE;
  /** The image the simulation upgrades to. */
  public static final ImageReference TO = RolloutTestEnvironment.NEXT_IMAGE;

  private final int instances;
  private final int zones;
  private final int updateDomains;
  private final long seed;
  private final double faultRate;
  private final RollingUpgradePolicy policy;
  private final int crashAfterBatch;
  private final boolean fileJournal;

  private Simulation(Builder b) {
    this.crashAfterBatch = b.crashAfterBatch;
    this.fileJournal = b.fileJournal;
    this.instances = b.instances;
    this.zones = b.zones;
    this.updateDomains = b.updateDomains;
    this.seed = b.seed;
    this.faultRate = b.faultRate;
    this.policy = b.policy;
  }

  /** Starts configuring a simulation: 100 instances, 3 zones, 5 update domains, seed 0, no faults, default policy. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the simulation to its end. With {@link Builder#crashAfterBatch(int)} or
   * {@link Builder#fileJournal(boolean)} the run's file
   * journal lives in a new directory under {@code java.io.tmpdir}, deleted afterwards whatever
   * happens.
   *
   * @throws UncheckedIOException when that directory cannot be made or the journal cannot be
   *     written (a full disk), with a message saying which
   */
  public Result run() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeFleet fleet = FakeFleet.builder(clock).scaleSetName("sim").instances(instances).zones(zones)
        .updateDomains(updateDomains).image(FROM).seed(seed).faultRate(faultRate)
        .latencyJitter(Duration.ofSeconds(30)).build();
    ScaleSet set = ScaleSet.builder().name("sim").location("westeurope").addAllZones(zoneNames())
        .capacity(instances)
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(TO)
            .healthProbe(HealthProbeReference.of("/sim/lb/probes/health")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).rollingUpgradePolicy(policy).build())
        .build();
    RolloutInvariants invariants = RolloutInvariants.before(set, fleet);
    RunRecorder recorder = new RunRecorder(fleet);
    Path journalDir = null;
    if (crashAfterBatch > 0 || fileJournal) {
      try {
        journalDir = Files.createTempDirectory("rolling-upgrade-sim");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make a directory for the simulation's journal in "
            + System.getProperty("java.io.tmpdir") + ": " + why(e), e);
      }
    }
    RolloutStore[] stores = {null};
    try {
      stores[0] = journalDir == null ? new InMemoryRolloutStore() : FileRolloutStore.open(journalDir.resolve("journal.log"));
      Result result = run(clock, fleet, set, invariants, recorder, stores);
      var error = result.status().error();
      if (journalDir != null && error.flatMap(ApiError::code).orElse("").equals(RollingUpgradeErrorCodes.INTERNAL)) {
        // the run stopped because its journal could not be written (a full disk): no simulation result
        throw new UncheckedIOException("the simulation's journal failed: " + error.get().message().orElse(""),
            new IOException(error.get().message().orElse("")));
      }
      return result;
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw new UncheckedIOException("the simulation's journal failed: " + io.getMessage(), io.getCause());
      }
      throw e;
    } finally {
      if (stores[0] instanceof FileRolloutStore file) {
        file.close();
      }
      if (journalDir != null) {
        deleteQuietly(journalDir);
      }
    }
  }

  private Result run(VirtualScheduler clock, FakeFleet fleet, ScaleSet set, RolloutInvariants invariants,
      RunRecorder recorder, RolloutStore[] stores) {
    RolloutStore store = stores[0];
    RollingUpgradeRun[] current = new RollingUpgradeRun[1];
    boolean[] crashed = {false};
    UpgradeListener crashAfter = event -> {
      if (event.type() == UpgradeEventType.BATCH_STARTED && event.batch().orElse(0) == crashAfterBatch && !crashed[0]) {
        crashed[0] = true;
        // after this task: batch K's driver calls are out, no verdict yet
        clock.schedule(Duration.ZERO, () -> {
          current[0].abandon();
          ((FileRolloutStore) stores[0]).close();
          stores[0] = FileRolloutStore.open(((FileRolloutStore) store).path());
          current[0] = RolloutRecovery.of(stores[0]).driver(fleet).health(fleet).scheduler(clock)
              .models(name -> set).listener(recorder).resume(current[0].runId());
          recorder.watch(current[0]);
        });
      }
    };
    current[0] = RollingUpgrade.of(set).driver(fleet).health(fleet).scheduler(clock)
        .store(store).startedBy(UpgradeOperationInvoker.PLATFORM).listener(recorder).listener(crashAfter).start();
    recorder.watch(current[0]);
    long wallStart = System.nanoTime();
    clock.runUntilIdle();
    long wallNanos = System.nanoTime() - wallStart;
    RollingUpgradeRun run = current[0];
    UpgradeHistoryEntry end = run.completion().toCompletableFuture().join();
    RollingUpgradeStatus status = run.status();
    List<String> violations = invariants.violations(recorder, run, UpgradeOperationInvoker.PLATFORM);
    List<DriverCall> changes = fleet.stateChangingCalls();
    int batches = (int) recorder.events().stream().filter(e -> e.type() == UpgradeEventType.BATCH_STARTED).count();
    var running = end.runningStatus().orElseThrow();
    Duration virtual = Duration.between(running.startTime().orElseThrow(), running.endTime().orElseThrow());
    return new Result(status, end, batches, virtual, Duration.ofNanos(wallNanos), violations, changes,
        digest(status, changes), crashed[0]);
  }

  /** Why an I/O operation failed, in words (some exceptions carry only the file name as their message). */
  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.toString();
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  private List<String> zoneNames() {
    return java.util.stream.IntStream.rangeClosed(1, zones).mapToObj(String::valueOf).toList();
  }

  /**
   * SHA-256 (hex) over the final status (Azure JSON) and the state-changing driver calls in order
   * (kind, instance, detail: what was done and in which order, not the virtual time of each call).
   */
  public static String digest(RollingUpgradeStatus status, List<DriverCall> changes) {
    return digest(AzureJson.write(status), changes);
  }

  /**
   * SHA-256 (hex) over {@code outcome} (e.g. the statuses of several runs, as JSON) and the
   * state-changing driver calls in order, as {@link #digest(RollingUpgradeStatus, List)}.
   */
  public static String digest(String outcome, List<DriverCall> changes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(outcome.getBytes(StandardCharsets.UTF_8));
      for (DriverCall call : changes) {
        sha.update(("\n" + call.kind() + " " + call.instanceId() + " " + call.detail()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * What a simulation produced.
   *
   * @param status the final status ({@code rollingUpgrades/latest} shape)
   * @param history the run's history entry
   * @param batches how many batches started
   * @param virtualDuration virtual time from start to end
   * @param wallTime real time the simulation took
   * @param violations broken rules found by the invariant checker (empty: all obeyed)
   * @param stateChangingCalls upgrades and rollbacks, in order
   * @param digest SHA-256 (hex) over the final status and the state-changing calls
   * @param crashed whether the host was crashed (and the run resumed from its file journal)
   */
  public record Result(RollingUpgradeStatus status, UpgradeHistoryEntry history, int batches, Duration virtualDuration,
      Duration wallTime, List<String> violations, List<DriverCall> stateChangingCalls, String digest,
      boolean crashed) {}

  /** Configures a {@link Simulation}. Not thread-safe. */
  public static final class Builder {
    private int instances = 100;
    private int zones = 3;
    private int updateDomains = 5;
    private long seed;
    private double faultRate;
    private RollingUpgradePolicy policy = RollingUpgradePolicy.defaults();
    private int crashAfterBatch;
    private boolean fileJournal;

    private Builder() {}

    /**
     * Journals the run to a file store in a temporary folder (deleted afterwards) even without a
     * crash, as a crash always does; the default journals in memory. What the durable journal costs.
     */
    public Builder fileJournal(boolean file) {
      this.fileJournal = file;
      return this;
    }

    /**
     * Crashes the host right after batch {@code k}'s driver calls were issued, before their health
     * verdicts: the run and all its in-memory state are thrown away, and a new one is built from a
     * file journal at the same virtual instant and resumes. 0 (the default) never crashes.
     */
    public Builder crashAfterBatch(int k) {
      if (k < 0) {
        throw new IllegalArgumentException("crashAfterBatch must be 0 (no crash) or more, got " + k);
      }
      this.crashAfterBatch = k;
      return this;
    }

    /** Instances, 1..1,000,000. */
    public Builder instances(int count) {
      this.instances = check("instances", count, 1, 1_000_000);
      return this;
    }

    /** Zones, 1..3. */
    public Builder zones(int count) {
      this.zones = check("zones", count, 1, 3);
      return this;
    }

    /** Update domains, 1..20. */
    public Builder updateDomains(int count) {
      this.updateDomains = check("updateDomains", count, 1, 20);
      return this;
    }

    /** Seed of the fleet's randomness. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Share of instances that never become healthy after their upgrade, 0..1. */
    public Builder faultRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("faultRate must be between 0 and 1, got " + rate);
      }
      this.faultRate = rate;
      return this;
    }

    /** The rolling upgrade policy; Azure's defaults unless given. */
    public Builder policy(RollingUpgradePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The simulation. */
    public Simulation build() {
      return new Simulation(this);
    }

    private static int check(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
