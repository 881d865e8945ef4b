package dev.rollingupgrade.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Metrics are the {@code upgrade-micrometer} module's: the core brings no Micrometer, not even transitively. */
class CoreIsFreeOfMicrometerTest {
  @Test
  void micrometerIsNotOnTheCoresClassPath() {
    assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
