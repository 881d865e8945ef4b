package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.store.postgres.PostgresRolloutStore;
import dev.rollingupgrade.testkit.sim.Simulation;

/** {@code bench}'s figures of the durable journals: what a file and a PostgreSQL store cost a run. */
final class JournalBench {
  private JournalBench() {}

  /**
   * Wall time of a fault-free simulation of {@code n} instances journalled to a file store (forced
   * to disk before each side effect) over the same journalled in memory; best of three of each,
   * interleaved, after a warm-up of both (this machine's timings wander with its neighbours).
   */
  static double durableOverheadRatio(int n) {
    Simulation.Builder sim = Simulation.builder().instances(n).seed(1);
    sim.build().run(); // warms the JIT up, both ways
    sim.fileJournal(true).build().run();
    long memory = Long.MAX_VALUE;
    long file = Long.MAX_VALUE;
    for (int r = 0; r < 3; r++) {
      memory = Math.min(memory, sim.fileJournal(false).build().run().wallTime().toNanos());
      file = Math.min(file, sim.fileJournal(true).build().run().wallTime().toNanos());
    }
    return (double) file / memory;
  }

  /**
   * Wall time of a fault-free run of {@code n} instances (simulate's fleet, seed 1) journalled on
   * PostgreSQL over the same run in memory, in the steady state: three warm-up runs of each, then
   * the best of five of each, interleaved (the in-memory run is still getting faster after one).
   * The store writes the decisions before each side effect in one statement.
   *
   * @param jdbcUrl the server to measure on; null: an embedded one
   * @return the ratio, then the best PostgreSQL and in-memory runs in milliseconds
   */
  static double[] postgresOverheadRatio(String jdbcUrl, int n) {
    try (PostgresServer server = PostgresServer.start(jdbcUrl)) {
      RolloutStore postgres = PostgresRolloutStore.open(server.dataSource());
      long memory = Long.MAX_VALUE;
      long database = Long.MAX_VALUE;
      for (int r = 0; r < 8; r++) {
        long m = timedRun(n, new InMemoryRolloutStore());
        long d = timedRun(n, postgres);
        if (r >= 3) {
          memory = Math.min(memory, m);
          database = Math.min(database, d);
        }
      }
      return new double[] {(double) database / memory, database / 1e6, memory / 1e6};
    }
  }

  private static int benchRuns;

  /** Nanoseconds of wall time of one fault-free run of {@code n} instances journalled in {@code store}. */
  private static long timedRun(int n, RolloutStore store) {
    SeededFleet sim = SeededFleet.of(n, 1, 0);
    long start = System.nanoTime();
    RollingUpgradeRun run = RollingUpgrade.of(sim.scaleSet()).driver(sim.fleet()).health(sim.fleet())
        .scheduler(sim.clock()).store(store).runId("bench-" + n + "-" + (++benchRuns)) // a new id: no lookup
        .startedBy(UpgradeOperationInvoker.PLATFORM).start();
    sim.clock().runUntilIdle();
    long took = System.nanoTime() - start;
    if (run.status().progress().orElseThrow().successfulInstanceCount() != n) {
      throw new IllegalStateException("the benchmark run did not upgrade every instance: " + run.status());
    }
    return took;
  }
}
