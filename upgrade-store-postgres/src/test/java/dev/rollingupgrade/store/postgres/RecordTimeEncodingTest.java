package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A journal row stores each record's time as exact decimal seconds since the epoch: nothing is rounded. */
class RecordTimeEncodingTest {

  @Property(tries = 500)
  void everyInstantComesBackExactly(@ForAll("instants") Instant t) {
    String text = JournalRows.seconds(t);
    assertThat(JournalRows.instant(new BigDecimal(text))).isEqualTo(t);
    assertThat(new BigDecimal(text).compareTo(exact(t))).as(text).isZero();
  }

  @Example
  void theTextIsTheShortestDecimal() {
    assertThat(JournalRows.seconds(Instant.EPOCH)).isEqualTo("0");
    assertThat(JournalRows.seconds(Instant.parse("2026-01-01T00:01:00.003Z"))).isEqualTo("1767225660.003");
    assertThat(JournalRows.seconds(Instant.ofEpochSecond(-2, 500_000_000))).isEqualTo("-1.5");
    assertThat(JournalRows.seconds(Instant.ofEpochSecond(-1, 1))).isEqualTo("-0.999999999");
    assertThat(JournalRows.seconds(Instant.ofEpochSecond(0, 1))).isEqualTo("0.000000001");
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.oneOf(
        Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
        Arbitraries.longs().between(-3, 3),
        Arbitraries.of(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()));
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.integers().between(0, 999_999_999),
        Arbitraries.of(0, 1, 1_000_000, 500_000_000, 999_999_999));
    return seconds.flatMap(s -> nanos.map(n -> Instant.ofEpochSecond(s, n)));
  }

  /** The instant's value in seconds, computed another way. */
  private static BigDecimal exact(Instant t) {
    return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9));
  }
}
