package dev.rollingupgrade.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class VersionsTest {
  @Test
  void partsCompareAsNumbersOfAnyLengthAndMissingPartsAreZero() {
    assertThat(Versions.compare("1.10", "1.9")).isPositive();
    assertThat(Versions.compare("1.1", "1.1.0")).isZero();
    assertThat(Versions.compare("1.01", "1.1")).isZero();
    assertThat(Versions.compare("1.0.99999999999999999999", "1.1")).isNegative();
    assertThat(Versions.compare("1.0.99999999999999999999", "1.0.99999999999999999998")).isPositive();
    assertThat(Versions.compare("18.04.202402010", "18.04.202401010")).isPositive();
    assertThat(Versions.compare("1.a", "1.b")).isNegative(); // text parts compare as text
    // a number before any text: transitive where text alone is not ("1a" > "10" > "9", "1a" > "9")
    assertThat(Versions.compare("1a", "10")).isPositive();
    assertThat(Versions.compare("10", "9")).isPositive();
    assertThat(Versions.compare("1a", "9")).isPositive();
    assertThat(Versions.compare("18.04.3-preview", "18.04.10")).isPositive();
    assertThat(Versions.isNumeric("18.04.10")).isTrue();
    assertThat(Versions.isNumeric("18.04.3-preview")).isFalse();
    assertThat(Versions.isNumeric("18..04")).isFalse();
    assertThat(Versions.isNumeric("")).isFalse();
  }

  @Test
  void theMajorIsTheFirstNumericPart() {
    assertThat(Versions.major("2.0.7")).contains(2L);
    assertThat(Versions.major("10")).contains(10L);
    assertThat(Versions.major("v2.1")).isEmpty();
    assertThat(Versions.major("")).isEmpty();
    assertThat(Versions.major("1234567890123456789012.1")).isEmpty();
  }

  @Property(tries = 300)
  void numericVersionsOrderAsTheirNumbers(@ForAll @Size(min = 1, max = 4) List<@IntRange(max = 100_000) Integer> a,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(max = 100_000) Integer> b) {
    List<Integer> x = new ArrayList<>(a);
    List<Integer> y = new ArrayList<>(b);
    while (x.size() < y.size()) {
      x.add(0);
    }
    while (y.size() < x.size()) {
      y.add(0);
    }
    int expected = 0;
    for (int i = 0; i < x.size() && expected == 0; i++) {
      expected = Integer.compare(x.get(i), y.get(i));
    }
    String va = String.join(".", a.stream().map(String::valueOf).toList());
    String vb = String.join(".", b.stream().map(String::valueOf).toList());
    assertThat(Integer.signum(Versions.compare(va, vb))).as(va + " vs " + vb).isEqualTo(expected);
    assertThat(Integer.signum(Versions.compare(vb, va))).isEqualTo(-expected);
  }

  @Property(tries = 300)
  void theOrderIsTransitiveOverMixedParts(@ForAll("versions") String a, @ForAll("versions") String b,
      @ForAll("versions") String c) {
    if (Versions.compare(a, b) <= 0 && Versions.compare(b, c) <= 0) {
      assertThat(Versions.compare(a, c)).as(a + " <= " + b + " <= " + c).isLessThanOrEqualTo(0);
    }
    assertThat(Integer.signum(Versions.compare(a, b))).isEqualTo(-Integer.signum(Versions.compare(b, a)));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> versions() {
    return net.jqwik.api.Arbitraries.of("1", "9", "10", "1a", "9a", "a", "0", "01", "2-preview")
        .list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join(".", parts));
  }
}
