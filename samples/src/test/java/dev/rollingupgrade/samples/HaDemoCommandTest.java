package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ha-demo} as a user runs it: three replicas on an embedded PostgreSQL, the owner of the
 * run dies after batch 2, another replica takes it over once the lease expires (a real second or
 * so: the database clock decides), and the digest is {@code simulate}'s for the same options.
 */
class HaDemoCommandTest {
  private static String[] run(StringWriter out, StringWriter err, String... args) {
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void anotherReplicaTakesTheRunOverAndTheDigestIsSimulates() {
    String[] demo = run(new StringWriter(), new StringWriter(), "ha-demo", "--instances", "100", "--seed", "42",
        "--fault-rate", "0.02", "--lease", "PT1S");
    assertThat(demo[0]).as(demo[1] + demo[2]).isEqualTo("0");
    List<String> lines = demo[1].lines().toList();
    assertThat(lines.get(0)).startsWith("ha-demo: 3 replicas, 100 instances, seed 42, fault rate 0.02; PostgreSQL 18.");
    assertThat(demo[1]).contains("replica-1 starts run").contains("replica-1 dies")
        .containsPattern("replica-[23] took run .* over").contains("owners: replica-1, then replica-");
    String[] simulate = run(new StringWriter(), new StringWriter(), "simulate", "--instances", "100", "--seed", "42",
        "--fault-rate", "0.02");
    assertThat(lines.get(lines.size() - 1)).startsWith("digest: ")
        .isEqualTo(simulate[1].lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void badOptionsAreUsageErrors() {
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "ha-demo", "--replicas", "1")[0]).isEqualTo("2");
    assertThat(err.toString()).contains("--replicas must be between 2 and 9");
    assertThat(run(new StringWriter(), err, "ha-demo", "--lease", "PT0S")[0]).isEqualTo("2");
    assertThat(err.toString()).contains("--lease must be more than zero");
  }

  @Test
  void aJdbcUrlThatIsNotPostgresIsAUsageErrorNamingTheUrl() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(run(out, err, "ha-demo", "--jdbc-url", "bogus")[0]).isEqualTo("2");
    assertThat(err.toString()).contains("--jdbc-url must be a PostgreSQL JDBC URL").contains("(got bogus)")
        .doesNotContain("unexpected error").doesNotContain("Exception");
    assertThat(run(out, err, "ha-demo", "--jdbc-url", "jdbc:mysql://db/x?user=u&password=secret")[0]).isEqualTo("2");
    assertThat(err.toString()).contains("password=***").doesNotContain("secret");
    assertThat(out.toString()).isEmpty();
  }
}
