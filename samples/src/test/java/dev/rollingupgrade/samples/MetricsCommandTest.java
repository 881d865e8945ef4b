package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The {@code metrics} command: the quickstart's run, its meters printed. */
class MetricsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  @Test
  void printsTheMetersOfTheQuickstartsRun() {
    assertThat(run("metrics")).isZero();
    assertThat(out.toString())
        .contains("ended Completed after 00:20:30 of virtual time; at most 2 instances in flight at once")
        .containsPattern("rolling\\.upgrade\\.runs\\.started\\{app=samples} +1\n")
        .containsPattern("rolling\\.upgrade\\.runs\\.ended\\{app=samples,error\\.code=none,outcome=COMPLETED} +1\n")
        .containsPattern("rolling\\.upgrade\\.instances\\.upgraded\\{app=samples} +19\n")
        .containsPattern("rolling\\.upgrade\\.instances\\.failed\\{app=samples,error\\.code=HealthTimeout} +1\n")
        .containsPattern("rolling\\.upgrade\\.instances\\.rolled\\.back\\{app=samples} +1\n")
        .containsPattern("rolling\\.upgrade\\.instances\\.in\\.flight\\{app=samples} +0\n")
        .containsPattern("rolling\\.upgrade\\.batch\\.duration\\{app=samples} +count=10 total=00:20:30 max=00:07:00\n")
        .containsPattern("rolling\\.upgrade\\.health\\.wait\\{app=samples,outcome=HEALTHY} +count=19 total=00:09:30 "
            + "max=00:00:30\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void canTagTheMetersWithTheScaleSet() {
    assertThat(run("metrics", "--tag-scale-set")).isZero();
    assertThat(out.toString()).containsPattern("rolling\\.upgrade\\.instances\\.upgraded\\{app=samples,scale\\.set=web} +19\n");
  }
}
