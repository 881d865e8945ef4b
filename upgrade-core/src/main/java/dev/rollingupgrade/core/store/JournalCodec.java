package dev.rollingupgrade.core.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.core.json.AzureJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The lines of a journal: {@code <crc32 of the JSON, 8 hex digits> <JSON>\n}. A record line is
 * {@code {"type":"record","run":..,"seq":..,"time":..,"kind":..,"attrs":{..}}}, plus
 * {@code "scaleSet"} and {@code "history"} on a run's final record; a history line
 * {@code {"type":"history","scaleSet":..,"entry":{..}}} keeps the entry of a run compacted away
 * (and is how journals of SDK 0.1 kept history). The reader's limits are the writer's: a line of up
 * to {@code maxLineBytes} bytes is written only if it can be read back, and no string in it can be
 * longer than the line. Not thread-safe: its store's lock guards it.
 */
final class JournalCodec {
  private static final ObjectMapper WRITER = new ObjectMapper();
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] UPPER_HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final ObjectMapper reader;
  private final int maxLineBytes;
  private long cachedDay = Long.MIN_VALUE; // the date of the last record written, formatted: records come day by day
  private byte[] cachedDate;

  /** A line that is not a record this store wrote: why. */
  static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String problem) {
      super(problem, null, false, false);
    }
  }

  /** What a line holds: a record, or (record null) a history entry of {@code scaleSet}. */
  /** A record, or a history line (with the id of the run it ended, when compaction wrote it). */
  record Line(RunRecord record, String scaleSet, UpgradeHistoryEntry entry, String endedRun) {}

  /** The first fields of a record line, read without the rest: enough to decide whether to keep it. */
  record Head(String run, long seq) {}

  JournalCodec(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
    StreamReadConstraints limits = StreamReadConstraints.builder().maxStringLength(maxLineBytes)
        .maxNameLength(maxLineBytes).maxDocumentLength(maxLineBytes).build();
    this.reader = new ObjectMapper(JsonFactory.builder().streamReadConstraints(limits).build());
  }

  int maxLineBytes() {
    return maxLineBytes;
  }

  /**
   * Writes the line of {@code record} at the end of {@code out}; returns its length in bytes.
   *
   * @throws IllegalArgumentException if the line would be longer than a line may be (nothing is left in {@code out})
   */
  int write(RunRecord record, LineBuffer out) {
    int start = out.size();
    out.write(HEX, 0, 9); // the checksum and its space go here
    if (record.outcome().isEmpty()) {
      // the bulk of a journal (verdicts, returns): written by hand, the same JSON Jackson writes, without its set-up
      ascii(out, "{\"type\":\"record\",\"run\":");
      string(out, record.runId());
      ascii(out, ",\"seq\":");
      number(out, record.sequence());
      ascii(out, ",\"time\":");
      time(out, record.time());
      ascii(out, ",\"kind\":");
      string(out, record.kind());
      ascii(out, ",\"attrs\":{");
      boolean first = true;
      for (Map.Entry<String, String> a : record.attributes().entrySet()) {
        if (!first) {
          out.write(',');
        }
        first = false;
        string(out, a.getKey());
        out.write(':');
        string(out, a.getValue());
      }
      ascii(out, "}}");
    } else {
      writeFinal(record, out, start);
    }
    return finish(out, start, () -> "record " + record.sequence() + " of run " + record.runId() + " ("
        + record.kind() + ")");
  }

  private static void writeFinal(RunRecord record, LineBuffer out, int start) {
    try (JsonGenerator g = WRITER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "record");
      g.writeStringField("run", record.runId());
      g.writeNumberField("seq", record.sequence());
      g.writeStringField("time", record.time().toString());
      g.writeStringField("kind", record.kind());
      g.writeObjectFieldStart("attrs");
      for (Map.Entry<String, String> a : record.attributes().entrySet()) {
        g.writeStringField(a.getKey(), a.getValue());
      }
      g.writeEndObject();
      RunRecord.Outcome o = record.outcome().orElseThrow();
      g.writeStringField("scaleSet", o.scaleSetName());
      g.writeFieldName("history");
      WRITER.writeTree(g, WRITER.readTree(AzureJson.write(o.historyEntry())));
      g.writeEndObject();
    } catch (IOException e) {
      out.truncate(start);
      throw new UncheckedIOException("a journal line always writes to memory", e);
    }
  }

  /** {@code Instant.toString()} in quotes: {@code 2026-01-01T00:00:07.125Z}, the fraction in 3, 6 or 9 digits if any. */
  private void time(LineBuffer out, Instant time) {
    long seconds = time.getEpochSecond();
    long day = Math.floorDiv(seconds, 86_400);
    if (day < 0 || day > 2_932_896) { // before 1970 or after 9999: the JDK's way
      string(out, time.toString());
      return;
    }
    if (day != cachedDay) {
      cachedDate = java.time.LocalDate.ofEpochDay(day).toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      cachedDay = day;
    }
    out.write('"');
    out.write(cachedDate, 0, cachedDate.length);
    int second = (int) (seconds - day * 86_400);
    out.write('T');
    twoDigits(out, second / 3600);
    out.write(':');
    twoDigits(out, second / 60 % 60);
    out.write(':');
    twoDigits(out, second % 60);
    int nanos = time.getNano();
    if (nanos != 0) {
      out.write('.');
      int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
      int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
      for (int d = digits - 1, div = (int) Math.pow(10, d); d >= 0; d--, div /= 10) {
        out.write('0' + value / div % 10);
      }
    }
    out.write('Z');
    out.write('"');
  }

  private static void number(LineBuffer out, long value) {
    if (value >= 0 && value < 10) {
      out.write('0' + (int) value);
    } else {
      ascii(out, Long.toString(value));
    }
  }

  private static void twoDigits(LineBuffer out, int value) {
    out.write('0' + value / 10);
    out.write('0' + value % 10);
  }

  private static void ascii(LineBuffer out, String text) {
    for (int i = 0; i < text.length(); i++) {
      out.write(text.charAt(i));
    }
  }

  /** A JSON string: quotes, backslashes and control characters escaped, the rest in UTF-8. */
  private static void string(LineBuffer out, String text) {
    int length = text.length();
    out.write('"');
    for (int i = 0; i < length; ) {
      int chunkEnd = Math.min(length, i + 8192); // a plan of a million instances is one string: room chunk by chunk
      byte[] b = out.reserve(6L * (chunkEnd - i) + 6); // an escaped control character (six bytes) is the most a char takes
      int at = out.size();
      for (; i < chunkEnd; i++) {
        at = encode(text, i, b, at);
        if (Character.isHighSurrogate(text.charAt(i)) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // the pair was written as one code point
        }
      }
      out.advance(at - out.size());
    }
    out.write('"');
  }

  /** Writes char {@code i} of {@code text} (with the next, if they are a surrogate pair) at {@code b[at]}; returns where it ends. */
  private static int encode(String text, int i, byte[] b, int at) {
    int length = text.length();
    char c = text.charAt(i);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      b[at++] = (byte) c;
    } else if (c == '"' || c == '\\') {
      b[at++] = '\\';
      b[at++] = (byte) c;
    } else if (c < 0x20) {
      b[at++] = '\\';
      switch (c) {
        case '\n' -> b[at++] = 'n';
        case '\t' -> b[at++] = 't';
        case '\r' -> b[at++] = 'r';
        case '\b' -> b[at++] = 'b';
        case '\f' -> b[at++] = 'f';
        default -> {
          b[at++] = 'u';
          b[at++] = '0';
          b[at++] = '0';
          b[at++] = UPPER_HEX[c >> 4];
          b[at++] = UPPER_HEX[c & 0xf];
        }
      }
    } else if (c < 0x800) {
      b[at++] = (byte) (0xc0 | c >> 6);
      b[at++] = (byte) (0x80 | c & 0x3f);
    } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, text.charAt(i + 1));
      b[at++] = (byte) (0xf0 | cp >> 18);
      b[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
      b[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
      b[at++] = (byte) (0x80 | cp & 0x3f);
    } else if (Character.isSurrogate(c)) { // a lone surrogate: escaped, as it cannot be UTF-8
      b[at++] = '\\';
      b[at++] = 'u';
      for (int shift = 12; shift >= 0; shift -= 4) {
        b[at++] = UPPER_HEX[c >> shift & 0xf];
      }
    } else {
      b[at++] = (byte) (0xe0 | c >> 12);
      b[at++] = (byte) (0x80 | c >> 6 & 0x3f);
      b[at++] = (byte) (0x80 | c & 0x3f);
    }
    return at;
  }

  /** Writes a history line: the entry {@code entry} (Azure JSON) of a scale set, kept when its run is compacted away. */
  int writeHistory(String scaleSet, String run, JsonNode entry, LineBuffer out) {
    int start = out.size();
    out.write(HEX, 0, 9);
    try (JsonGenerator g = WRITER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "history");
      g.writeStringField("scaleSet", scaleSet);
      g.writeStringField("run", run); // the id stays taken once its records are gone
      g.writeFieldName("entry");
      WRITER.writeTree(g, entry);
      g.writeEndObject();
    } catch (IOException e) {
      out.truncate(start);
      throw new UncheckedIOException("a journal line always writes to memory", e);
    }
    return finish(out, start, () -> "the history entry of " + scaleSet);
  }

  private int finish(LineBuffer out, int start, java.util.function.Supplier<String> what) {
    int jsonStart = start + 9;
    CRC32 crc = new CRC32();
    crc.update(out.bytes(), jsonStart, out.size() - jsonStart);
    long value = crc.getValue();
    for (int i = 7; i >= 0; i--) {
      out.set(start + i, HEX[(int) (value & 0xf)]);
      value >>>= 4;
    }
    out.set(start + 8, (byte) ' ');
    out.write('\n');
    int length = out.size() - start;
    if (length > maxLineBytes) {
      out.truncate(start);
      throw new IllegalArgumentException(what.get() + " is " + length + " bytes as a journal line, but a line holds "
          + "at most " + maxLineBytes + " bytes (what the journal can read back): it was not written");
    }
    return length;
  }

  /**
   * Reads the line in {@code bytes[from, to)} (without its newline).
   *
   * @throws BadLine if its checksum does not match or it is not a record or history line
   */
  Line read(byte[] bytes, int from, int to) throws BadLine {
    int json = checked(bytes, from, to);
    try (JsonParser p = reader.getFactory().createParser(bytes, json, to - json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadLine("not a JSON object");
      }
      String type = "";
      String run = "";
      long seq = 0;
      String time = null;
      String kind = "";
      String scaleSet = "";
      Map<String, String> attributes = new LinkedHashMap<>();
      JsonNode history = null;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        JsonToken token = p.nextToken();
        switch (field) {
          case "type" -> type = p.getValueAsString("");
          case "run" -> run = p.getValueAsString("");
          case "seq" -> seq = p.getValueAsLong();
          case "time" -> time = p.getValueAsString();
          case "kind" -> kind = p.getValueAsString("").intern();
          case "scaleSet" -> scaleSet = p.getValueAsString("");
          case "attrs" -> readAttributes(p, token, attributes);
          case "history", "entry" -> history = reader.readTree(p);
          default -> p.skipChildren();
        }
      }
      if (type.equals("history")) {
        return new Line(null, scaleSet, AzureJson.readHistoryEntry(String.valueOf(history)), run.isEmpty() ? null : run);
      }
      Optional<RunRecord.Outcome> outcome = history == null ? Optional.empty()
          : Optional.of(new RunRecord.Outcome(scaleSet, AzureJson.readHistoryEntry(history.toString())));
      return new Line(new RunRecord(run, seq, Instant.parse(String.valueOf(time)), kind, attributes, outcome), null, null,
          null);
    } catch (IOException | RuntimeException e) {
      throw new BadLine("unreadable record: " + e.getMessage());
    }
  }

  private static void readAttributes(JsonParser p, JsonToken token, Map<String, String> attributes) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      attributes.put(name, value.isStructStart() ? "" : p.getValueAsString(""));
      p.skipChildren();
    }
  }

  /** Where the JSON of a line starts, once its checksum matched. @throws BadLine if it has none or a wrong one */
  private static int checked(byte[] bytes, int from, int to) throws BadLine {
    int space = -1;
    for (int i = from; i < to && i <= from + 8; i++) {
      if (bytes[i] == ' ') {
        space = i;
        break;
      }
    }
    if (space <= from) {
      throw new BadLine("no checksum");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, space + 1, to - space - 1);
    if (space - from != 8 || parseHex(bytes, from, space) != crc.getValue()) {
      throw new BadLine("checksum mismatch");
    }
    return space + 1;
  }

  /** The JSON of a line whose checksum matches. @throws BadLine if it has none, a wrong one, or no JSON object */
  JsonNode parse(byte[] bytes, int from, int to) throws BadLine {
    int json = checked(bytes, from, to);
    try {
      JsonNode node = reader.readTree(bytes, json, to - json);
      if (node == null || !node.isObject()) {
        throw new BadLine("not a JSON object");
      }
      return node;
    } catch (IOException | RuntimeException e) {
      throw new BadLine("unreadable record: " + e.getMessage());
    }
  }

  /**
   * The run and sequence of a record line, read from its first fields; null for a history line or
   * a line whose fields are not in this store's order (the caller then reads it whole).
   */
  Head head(byte[] bytes, int from, int to) {
    int json = from + 9;
    try (JsonParser p = reader.getFactory().createParser(bytes, json, to - json)) {
      if (p.nextToken() != JsonToken.START_OBJECT || !"type".equals(p.nextFieldName())
          || !"record".equals(p.nextTextValue()) || !"run".equals(p.nextFieldName())) {
        return null;
      }
      String run = p.nextTextValue();
      if (run == null || !"seq".equals(p.nextFieldName()) || p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
        return null;
      }
      return new Head(run, p.getLongValue());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long parseHex(byte[] bytes, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = Character.digit(bytes[i], 16);
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }
}
