package dev.rollingupgrade.core.store;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Records, history entries and child processes for the journal tests. */
final class Journals {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Journals() {}

  static RunRecord record(String run, long seq, String kind, String... kv) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      attributes.put(kv[i], kv[i + 1]);
    }
    return RunRecord.of(run, seq, T0.plusSeconds(seq), kind, attributes);
  }

  /** The final record of {@code run}, number {@code seq}, adding {@code entry} to {@code scaleSet}'s history. */
  static RunRecord finished(String run, long seq, String scaleSet, UpgradeHistoryEntry entry) {
    return new RunRecord(run, seq, T0.plusSeconds(seq), "RUN_FINISHED", Map.of("code", "Completed"),
        Optional.of(new RunRecord.Outcome(scaleSet, entry)));
  }

  static UpgradeHistoryEntry entry(int succeeded) {
    return UpgradeHistoryEntry.builder()
        .runningStatus(RunningStatus.builder().code(RollingUpgradeStatusCode.COMPLETED).startTime(T0)
            .endTime(T0.plusSeconds(60 + succeeded)).build())
        .progress(RollingUpgradeProgress.builder().successfulInstanceCount(succeeded).build())
        .startedBy(UpgradeOperationInvoker.PLATFORM)
        .targetImageReference(ImageReference.platform("Canonical", "ubuntu", "server", "1.2.3"))
        .location("westeurope").build();
  }

  /** Claims each run once (a lease of an hour) and appends its records as one group; waits until durable. */
  static void append(RolloutStore store, RunRecord... records) {
    Map<String, List<RunRecord>> byRun = new LinkedHashMap<>();
    for (RunRecord r : records) {
      byRun.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r);
    }
    byRun.forEach((run, group) -> store.append(lease(store, run), group).toCompletableFuture().join());
  }

  /** The failure of appending {@code records} (one run), or null if it was written. */
  static Throwable appendFailure(RolloutStore store, RunRecord... records) {
    try {
      store.append(lease(store, records[0].runId()), List.of(records)).toCompletableFuture().join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  private static final Map<String, Lease> LEASES = new LinkedHashMap<>();

  static synchronized Lease lease(RolloutStore store, String run) {
    String key = System.identityHashCode(store) + "/" + run;
    Lease lease = store.claim(run, "test", Duration.ofHours(1)).orElseGet(() -> LEASES.get(key));
    LEASES.put(key, lease);
    return lease;
  }

  /** Runs {@code main} of a test class in a fresh JVM (same class path); waits for it to exit. */
  static ChildResult child(Class<?> main, List<String> jvmOptions, String... args) throws IOException,
      InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the child JVM did not exit: " + output);
    }
    return new ChildResult(process.exitValue(), output);
  }

  /** How a child JVM ended. */
  record ChildResult(int exitCode, String output) {}
}
