package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet}: a real rolling upgrade of real processes in real time. Starts N instances of a tiny
 * HTTP service ({@link FleetInstance}) on loopback ports, then rolls them from 1.0.0 to 2.0.0 with
 * the rolling policy, the built-in application health probes and a file journal, printing a line
 * per event and the heat map after each batch. See {@link LocalFleet} for crash and resume. Exit
 * codes: 0 the run completed (or crashed as asked), 1 it ended otherwise (e.g. faulted by the 20 %
 * rules), 2 bad usage or a fleet that could not run.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = "Roll N local processes (a tiny HTTP service each) from 1.0.0 to 2.0.0 in real time, with real "
        + "HTTP health probes and a file journal.")
final class FleetCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--instances", paramLabel = "N", defaultValue = "5", description = "instances to start, 1..50 "
      + "(default 5)")
  private int instances;

  @Option(names = "--break", paramLabel = "K", defaultValue = "0",
      description = "make 2.0.0 unhealthy on the last K instances: they are rolled back to 1.0.0 (default 0)")
  private int broken;

  @Option(names = "--crash-after-batch", paramLabel = "K", defaultValue = "0",
      description = "stop orchestrating as batch K ends, leaving the instances running; finish with --resume")
  private int crashAfterBatch;

  @Option(names = "--resume", description = "finish the run a --crash-after-batch (or Ctrl-C) left in the state "
      + "directory, with the options it was started with")
  private boolean resume;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "where the journal, the instances' pids and ports and their logs live "
          + "(default: upgrade-fleet in the temporary directory)")
  private Path stateDir;

  @Option(names = "--probe-interval-ms", paramLabel = "MS", defaultValue = "200",
      description = "health probe interval in milliseconds, 10..60000 (default 200)")
  private long probeIntervalMs;

  @Option(names = "--health-timeout-ms", paramLabel = "MS", defaultValue = "5000",
      description = "how long an upgraded instance has to become healthy, 100..300000 ms (default 5000)")
  private long healthTimeoutMs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String bad = instances < 1 || instances > 50 ? "--instances must be 1..50, got " + instances
        : broken < 0 || broken > instances ? "--break must be 0.." + instances + ", got " + broken
        : crashAfterBatch < 0 ? "--crash-after-batch must be 0 or more, got " + crashAfterBatch
        : probeIntervalMs < 10 || probeIntervalMs > 60_000 ? "--probe-interval-ms must be 10..60000, got "
            + probeIntervalMs
        : healthTimeoutMs < 100 || healthTimeoutMs > 300_000 ? "--health-timeout-ms must be 100..300000, got "
            + healthTimeoutMs
        : resume && crashAfterBatch > 0 ? "--resume finishes the run: it takes no --crash-after-batch" : null;
    if (bad != null) {
      err.println("fleet: " + bad);
      return 2;
    }
    Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "upgrade-fleet");
    LocalFleet.Result r;
    try {
      LocalFleet.Options options = new LocalFleet.Options(instances, broken, crashAfterBatch, resume, dir,
          Duration.ofMillis(probeIntervalMs), Duration.ofMillis(healthTimeoutMs), Duration.ofSeconds(60), 300);
      if (resume) { // the run as it was started, not as this command line would start one
        var parsed = spec.commandLine().getParseResult();
        options = LocalFleet.resumeOptions(options, LocalFleet.RUN_OPTIONS.stream()
            .filter(parsed::hasMatchedOption).collect(java.util.stream.Collectors.toSet()));
      }
      r = LocalFleet.run(options, out);
    } catch (LocalFleet.FleetException e) {
      err.println(TerminalText.escape("fleet: " + e.getMessage()));
      return 2;
    }
    if (r.crashed()) {
      return 0;
    }
    var status = r.end().runningStatus().orElseThrow().code().orElseThrow();
    var p = r.end().progress().orElseThrow();
    var rollback = r.end().rollbackInfo().orElseThrow();
    out.println();
    out.println("Final status: " + status.azureName() + " - " + p.successfulInstanceCount() + " succeeded, "
        + p.failedInstanceCount() + " failed, " + p.pendingInstanceCount() + " not upgraded; "
        + rollback.successfullyRolledbackInstanceCount() + " rolled back"
        + r.end().error().flatMap(e -> e.code()).map(c -> " (" + c + ")").orElse(""));
    out.println("Instances now: " + LocalFleet.tally(r.versions()) + " " + r.versions());
    out.printf(java.util.Locale.ROOT, "Took %.2f s; the restarts alone take %.2f s (%d batches).%n",
        r.makespan().toMillis() / 1000.0, r.lowerBound().toMillis() / 1000.0, r.batches().size());
    out.println("All " + r.pids().size() + " instance processes are stopped (pids " + r.pids() + ").");
    return status == RollingUpgradeStatusCode.COMPLETED ? 0 : 1;
  }
}
