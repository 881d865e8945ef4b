package dev.rollingupgrade.core.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads JSON files as the SDK and its command line do ({@link AzureJson#readScaleSet(Path)}): at most {@link #MAX_BYTES} (a larger file, or an
 * endless one such as {@code /dev/zero}, is refused before it fills the heap), UTF-8 with or
 * without a byte order mark, or UTF-16 with one (what PowerShell's {@code >} writes). Anything
 * else names its encoding problem. Every failure is an {@link Unreadable} whose message is one
 * plain line: {@code cannot read FILE: why}.
 */
public final class JsonFile {
  /** The largest file read: 64 MiB, far above any scale set, instance list or rollout document. */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  private JsonFile() {}

  /** A file that cannot be read as JSON text; its message is one plain line naming the file and why. */
  public static final class Unreadable extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    Unreadable(Path file, String why) {
      super("cannot read " + file + ": " + why, new IOException(why));
    }
  }

  /**
   * The text of {@code file}, without its byte order mark.
   *
   * @throws Unreadable when it is missing, unreadable, too large or not UTF-8/UTF-16 text
   * @throws NullPointerException if {@code file} is null
   */
  public static String read(Path file) {
    java.util.Objects.requireNonNull(file, "file");
    if (Files.isDirectory(file)) {
      throw new Unreadable(file, "it is a directory");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1); // one more than allowed: the way to tell "too large" from "just fits"
    } catch (IOException e) {
      throw new Unreadable(file, why(e));
    }
    if (bytes.length > MAX_BYTES) {
      throw new Unreadable(file, "larger than " + (MAX_BYTES >> 20) + " MiB, the most the SDK reads");
    }
    return decode(file, bytes);
  }

  /** Why an I/O operation failed, in words: never the bare file name some exceptions carry as their message. */
  static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage() == null || e instanceof FileSystemException ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String decode(Path file, byte[] b) {
    if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
      return strict(file, b, 3, StandardCharsets.UTF_8, "UTF-8");
    }
    if (startsWith(b, 0xFF, 0xFE)) {
      return strict(file, b, 2, StandardCharsets.UTF_16LE, "UTF-16 (little-endian, from its byte order mark)");
    }
    if (startsWith(b, 0xFE, 0xFF)) {
      return strict(file, b, 2, StandardCharsets.UTF_16BE, "UTF-16 (big-endian, from its byte order mark)");
    }
    // JSON text starts with an ASCII character: a zero byte next to it is UTF-16 (or UTF-32) without a byte order mark
    if (b.length >= 2 && ((b[0] == 0) != (b[1] == 0))) {
      throw new Unreadable(file, "looks like UTF-16 without a byte order mark; save it as UTF-8 (JSON files are UTF-8)");
    }
    return strict(file, b, 0, StandardCharsets.UTF_8, "UTF-8");
  }

  private static String strict(Path file, byte[] b, int skip, Charset charset, String name) {
    CharsetDecoder decoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, skip, b.length - skip);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      int at = in.position();
      String bad = at < b.length ? String.format(Locale.ROOT, "byte 0x%02X at offset %d", b[at] & 0xFF, at)
          : "the end (cut in the middle of a character)";
      throw new Unreadable(file, "not " + name + " text: " + bad + " is not valid " + charset.name()
          + (charset == StandardCharsets.UTF_8 && skip == 0 ? " (JSON files are UTF-8; UTF-16 needs a byte order mark)" : ""));
    }
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
