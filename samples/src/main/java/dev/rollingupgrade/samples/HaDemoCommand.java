package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.run.RolloutRecovery;
import dev.rollingupgrade.core.run.RunOptions;
import dev.rollingupgrade.store.postgres.PostgresRolloutStore;
import dev.rollingupgrade.store.postgres.RecoveryLoop;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ha-demo}: several replica "hosts" in one process share a PostgreSQL store (embedded, or
 * {@code --jdbc-url}). Replica 1 starts the seeded run of {@code simulate}; right after batch
 * {@code --kill-after-batch}'s driver calls it dies (no release, no goodbye); the other replicas'
 * recovery loops look for orphaned runs until its lease expires by the database clock, and one of
 * them takes the run over at that virtual instant and finishes it. Prints who owned the run when,
 * and as its last line the same {@code digest: ...} as {@code simulate --instances N --seed S
 * --fault-rate F}.
 */
@Command(name = "ha-demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Replicas share a PostgreSQL store; the owner of a run dies mid-way and another takes it over. "
        + "The last line is simulate's digest for the same --instances, --seed and --fault-rate.")
final class HaDemoCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--replicas", paramLabel = "R", defaultValue = "3", description = "replicas, 2..9 (default: ${DEFAULT-VALUE})")
  private int replicas;

  @Option(names = "--instances", paramLabel = "N", defaultValue = "200", description = "fleet size, 1..100000 (default: ${DEFAULT-VALUE})")
  private int instances;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed of the fleet's faults and latencies (default: ${DEFAULT-VALUE})")
  private long seed;

  @Option(names = "--fault-rate", paramLabel = "F", defaultValue = "0",
      description = "share of instances never healthy after their upgrade, 0..1 (default: ${DEFAULT-VALUE})")
  private double faultRate;

  @Option(names = "--kill-after-batch", paramLabel = "K", defaultValue = "2",
      description = "the owner dies right after batch K's driver calls (default: ${DEFAULT-VALUE})")
  private int killAfterBatch;

  @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "PT2S",
      description = "lease of a run, ISO-8601; a dead owner's run is taken over this long after its last renewal, "
          + "in real time (default: ${DEFAULT-VALUE})")
  private Duration lease;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "use this PostgreSQL (jdbc:postgresql://host/db?user=..&password=..) instead of starting an "
          + "embedded one; the schema is migrated there")
  private String jdbcUrl;

  /** A replica's store that dies with it: once killed, nothing it does reaches the database. */
  private static final class ReplicaStore extends dev.rollingupgrade.testkit.crash.ForwardingRolloutStore {
    private volatile boolean dead;

    ReplicaStore(RolloutStore store) {
      super(store);
    }

    private void alive() {
      if (dead) {
        throw new IllegalStateException("this replica is dead");
      }
    }

    @Override
    public Optional<Lease> claim(String runId, String owner, Duration duration) {
      alive();
      return super.claim(runId, owner, duration);
    }

    @Override
    public Lease renew(Lease lease, Duration duration) {
      alive();
      return super.renew(lease, duration);
    }

    @Override
    public void release(Lease lease) {
      alive();
      super.release(lease);
    }

    @Override
    public CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
      alive();
      return super.append(lease, records);
    }

    @Override
    public CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
      alive();
      return super.appendDeferred(lease, records);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String bad = replicas < 2 || replicas > 9 ? "--replicas must be between 2 and 9 (got " + replicas + ")"
        : instances < 1 || instances > 100_000 ? "--instances must be between 1 and 100000 (got " + instances + ")"
        : !(faultRate >= 0 && faultRate <= 1) ? "--fault-rate must be between 0 and 1 (got " + faultRate + ")"
        : killAfterBatch < 1 ? "--kill-after-batch must be 1 or more (got " + killAfterBatch + ")"
        : lease.isNegative() || lease.isZero() || lease.compareTo(Duration.ofMinutes(1)) > 0
            ? "--lease must be more than zero and at most PT1M (got " + lease + ")"
        : PostgresServer.urlProblem(jdbcUrl);
    if (bad != null) {
      err.println("ha-demo: " + bad);
      return 2;
    }
    faultRate = faultRate == 0 ? 0 : faultRate; // -0.0 is 0
    PostgresServer server;
    try {
      server = PostgresServer.start(jdbcUrl);
    } catch (IllegalStateException e) {
      err.println("ha-demo: " + e.getMessage());
      return 1;
    }
    try (server) {
      out.println("ha-demo: " + replicas + " replicas, " + instances + " instances, seed " + seed + ", fault rate "
          + faultRate + "; " + server.description() + "; lease " + lease);
      return demo(server, out);
    }
  }

  private int demo(PostgresServer server, PrintWriter out) throws InterruptedException {
    SeededFleet sim = SeededFleet.of(instances, seed, faultRate);
    Instant start = sim.clock().now();
    List<ReplicaStore> stores = new ArrayList<>();
    List<RecoveryLoop> loops = new ArrayList<>();
    for (int i = 1; i <= replicas; i++) {
      PostgresRolloutStore store = PostgresRolloutStore.open(server.dataSource());
      stores.add(new ReplicaStore(store));
      RolloutRecovery recovery = RolloutRecovery.of(stores.get(i - 1)).driver(sim.fleet()).health(sim.fleet())
          .scheduler(sim.clock()).models(name -> sim.scaleSet()).options(options(i));
      loops.add(RecoveryLoop.of(store, recovery));
    }
    RollingUpgradeRun[] current = new RollingUpgradeRun[1];
    String[] owner = {"replica-1"};
    boolean[] killed = {false};
    UpgradeListener killer = event -> {
      if (event.type() == UpgradeEventType.BATCH_STARTED && event.batch().orElse(0) == killAfterBatch && !killed[0]) {
        killed[0] = true;
        sim.clock().schedule(Duration.ZERO, () -> {
          out.println("[" + clock(start, sim.clock().now()) + "] batch " + killAfterBatch + "'s driver calls are out: "
              + "replica-1 dies (its lease stays in the database until it expires)");
          stores.get(0).dead = true;
          current[0].abandon();
          takeOver(loops, current, owner, start, sim, out);
        });
      }
    };
    current[0] = RollingUpgrade.of(sim.scaleSet()).driver(sim.fleet()).health(sim.fleet()).scheduler(sim.clock())
        .store(stores.get(0)).options(options(1)).startedBy(UpgradeOperationInvoker.PLATFORM).listener(killer)
        .start();
    out.println("[" + clock(start, sim.clock().now()) + "] replica-1 starts run " + current[0].runId());
    long wall = System.nanoTime();
    sim.clock().runUntilIdle();
    RollingUpgradeRun run = current[0];
    var status = run.status();
    var code = status.runningStatus().orElseThrow().code().orElseThrow().azureName();
    RollingUpgradeProgress p = status.progress().orElseThrow();
    out.println("[" + clock(start, sim.clock().now()) + "] run ended " + code + " on " + owner[0] + ": "
        + p.successfulInstanceCount() + " succeeded, " + p.failedInstanceCount() + " failed"
        + (killed[0] ? "" : " (it had fewer than " + killAfterBatch + " batches: nobody died)"));
    out.println("owners: " + (killed[0] ? "replica-1, then " + owner[0] : "replica-1") + " (computed in "
        + Duration.ofNanos(System.nanoTime() - wall).toMillis() + " ms)");
    out.println("digest: " + sim.digest(status));
    return 0;
  }

  /** The survivors look for orphaned runs, in real time, until one of them takes the dead owner's run over. */
  private void takeOver(List<RecoveryLoop> loops, RollingUpgradeRun[] current, String[] owner, Instant start,
      SeededFleet sim, PrintWriter out) {
    long since = System.nanoTime();
    long deadline = since + lease.plusSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 1; i < loops.size(); i++) {
        List<RollingUpgradeRun> taken = loops.get(i).recoverNow();
        if (!taken.isEmpty()) {
          current[0] = taken.get(0);
          owner[0] = "replica-" + (i + 1);
          out.println("[" + clock(start, sim.clock().now()) + "] " + owner[0] + " took run " + current[0].runId()
              + " over, " + Duration.ofNanos(System.nanoTime() - since).toMillis() + " ms of real time after "
              + "replica-1 died (its lease expired by the database clock); it goes on from its journal");
          return;
        }
      }
      try {
        Thread.sleep(50); // real time: the database clock decides when the lease expires
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the lease to expire", e);
      }
    }
    throw new IllegalStateException("no replica could take the run over within " + lease.plusSeconds(30));
  }

  private RunOptions options(int replica) {
    return RunOptions.defaults().withOwner("replica-" + replica).withLeaseDuration(lease);
  }

  private static String clock(Instant start, Instant now) {
    return QuickstartCommand.clock(Duration.between(start, now));
  }
}
