package dev.rollingupgrade.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.spi.RunRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The journal's hand-written record lines (the bulk of a journal, written without Jackson's
 * set-up) are byte for byte what Jackson writes, whatever the strings hold, and read back equal.
 */
class JournalCodecPropertiesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(-100_000_000_000L, 300_000_000_000L)
        .flatMap(s -> Arbitraries.of(0, 1, 1_000, 1_000_000, 7_000_000, 123_456_000, 999_999_999, 42)
            .map(n -> Instant.ofEpochSecond(s, n)));
  }

  @Property(tries = 500)
  void aRecordLineIsWhatJacksonWritesAndReadsBackEqual(@ForAll String run, @ForAll String kind,
      @ForAll Map<String, String> attributes, @ForAll("instants") Instant time) throws Exception {
    RunRecord record = RunRecord.of(run, 7, time, kind, attributes);
    JournalCodec codec = new JournalCodec(1 << 20);
    LineBuffer out = new LineBuffer(64);
    int length = codec.write(record, out);
    byte[] line = Arrays.copyOf(out.bytes(), length);
    assertThat(line[length - 1]).isEqualTo((byte) '\n');
    assertThat(codec.read(line, 0, length - 1).record()).isEqualTo(record);
    if (wellFormed(run) && wellFormed(kind) && attributes.entrySet().stream()
        .allMatch(e -> wellFormed(e.getKey()) && wellFormed(e.getValue()))) {
      ObjectNode json = MAPPER.createObjectNode();
      json.put("type", "record");
      json.put("run", run);
      json.put("seq", 7L);
      json.put("time", time.toString());
      json.put("kind", kind);
      ObjectNode attrs = json.putObject("attrs");
      new LinkedHashMap<>(attributes).forEach(attrs::put);
      assertThat(new String(line, 9, length - 10, StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(json));
    }
  }

  @org.junit.jupiter.api.Test
  void longStringsAreWrittenChunkByChunkWithPairsAcrossTheBoundaries() throws Exception {
    for (int before = 8189; before <= 8193; before++) {
      String value = "a".repeat(before) + "\uD834\uDD1E\u00e9\n".repeat(5000);
      aRecordLineIsWhatJacksonWritesAndReadsBackEqual("run", "PLANNED", Map.of("instances", value),
          Instant.parse("2026-01-01T00:00:00Z"));
    }
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
