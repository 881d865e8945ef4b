package dev.rollingupgrade.samples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;

/**
 * Text from input files on its way to a terminal: control characters (NUL, ESC and the rest of
 * C0 and C1, DEL) and the bidirectional overrides are written as a backslash, {@code u} and four
 * hex digits (ESC becomes backslash-{@code u001b}, as in JSON), so a file cannot clear the screen,
 * recolour it, hide text or forge lines. Tabs and line ends stay; a carriage return only as part
 * of a CR LF line end.
 */
final class TerminalText {
  private TerminalText() {}

  /** {@code text} with every unsafe character escaped. */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        b.append(c);
      } else {
        escapeInto(b, c);
      }
    }
    return b.toString();
  }

  /** A writer onto {@code out} that escapes as {@link #escape} does; flushing it flushes {@code out}. */
  static PrintWriter safe(PrintWriter out) {
    return new PrintWriter(new Escaping(out), true);
  }

  private static boolean unsafe(char c) {
    return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F)
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
  }

  private static void escapeInto(StringBuilder b, char c) {
    if (unsafe(c)) {
      b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
    } else {
      b.append(c);
    }
  }

  /** Escapes as it writes; holds a carriage return until the next character tells whether it ends a line. */
  private static final class Escaping extends Writer {
    private final Writer out;
    private boolean pendingReturn;

    Escaping(Writer out) {
      this.out = out;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      StringBuilder b = new StringBuilder(length + 8);
      for (int i = offset; i < offset + length; i++) {
        char c = chars[i];
        if (pendingReturn) {
          pendingReturn = false;
          if (c == '\n') {
            b.append('\r');
          } else {
            escapeInto(b, '\r');
          }
        }
        if (c == '\r') {
          pendingReturn = true;
        } else {
          escapeInto(b, c);
        }
      }
      out.write(b.toString());
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (pendingReturn) {
        pendingReturn = false;
        out.write("\\u000d");
      }
      out.flush(); // the underlying writer belongs to the caller
    }
  }
}
