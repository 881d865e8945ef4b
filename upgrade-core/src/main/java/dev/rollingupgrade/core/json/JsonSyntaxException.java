package dev.rollingupgrade.core.json;

/**
 * Thrown when a document is not well-formed JSON. Names the line and column (1-based) where
 * parsing stopped.
 */
public final class JsonSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @serial line of the problem, from 1 (0 when unknown) */
  private final int line;
  /** @serial column of the problem, from 1 (0 when unknown) */
  private final int column;

  JsonSyntaxException(String what, int line, int column, Throwable cause) {
    super("not valid JSON" + (line > 0 ? " at line " + line + ", column " + column : "") + ": " + what, cause);
    this.line = line;
    this.column = column;
  }

  /** Line of the problem, from 1 (0 when unknown). */
  public int line() {
    return line;
  }

  /** Column of the problem, from 1 (0 when unknown). */
  public int column() {
    return column;
  }
}
