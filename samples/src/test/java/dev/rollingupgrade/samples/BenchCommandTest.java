package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quick benchmark prints its table and one parsable line per figure (targets are not asserted here). */
class BenchCommandTest {
  @Test
  void quickBenchPrintsEveryFigure() {
    StringWriter out = new StringWriter();
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "bench", "--quick")).isZero();
    List<String> lines = out.toString().lines().toList();
    for (String figure : List.of("planner-1m-ms", "planner-scaling-10x", "phase-plan-10k-ms", "overhead-us-per-instance", "peak-heap-mib",
        "makespan-ratio", "parallel-ratio", "durable-overhead-ratio")) {
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(figure + ": [0-9.]+"));
    }
    // the makespan is computed, not timed: a fault-free run loses no time between batches
    assertThat(lines).contains("makespan-ratio: 1.000");
  }
}
