package dev.rollingupgrade.core.view;

import java.util.Locale;

/** The text form of a {@link HeatMap}: rows of padded cells, a legend with the counts. */
final class HeatMapText {
  private static final String RESET = "\u001b[0m";

  private HeatMapText() {}

  static String render(HeatMap map, boolean ansi) {
    int cells = map.size();
    String[] texts = new String[cells];
    int width = 0;
    int k = 0;
    for (HeatMap.Cell c : map.cells()) {
      String text = c.state().letter() + " " + safe(c.instanceId()) + c.zone().map(z -> "@" + safe(z)).orElse("");
      texts[k++] = text;
      width = Math.max(width, text.length());
    }
    int udWidth = 1;
    for (HeatMap.Row row : map.rows()) {
      udWidth = Math.max(udWidth, String.valueOf(row.updateDomain()).length());
    }
    StringBuilder out = new StringBuilder(64 + cells * (width + (ansi ? 12 : 2)));
    out.append("heat map of ").append(safe(map.scaleSetName()))
        .append(map.runId().isEmpty() ? "" : ", run " + safe(map.runId())) // no run: the fleet as listed
        .append(", at ").append(map.time()).append(": ").append(cells).append(cells == 1 ? " instance" : " instances")
        .append(" in ").append(map.rows().size()).append(map.rows().size() == 1 ? " update domain" : " update domains")
        .append('\n');
    k = 0;
    for (HeatMap.Row row : map.rows()) {
      String ud = String.valueOf(row.updateDomain());
      out.append("UD ").append(" ".repeat(udWidth - ud.length())).append(ud).append(" |");
      for (int j = 0; j < row.cells().size(); j++) {
        String text = texts[k];
        out.append(j == 0 ? " " : "  ");
        cell(out, text, row.cells().get(j).state(), ansi);
        if (j < row.cells().size() - 1) {
          out.append(" ".repeat(width - text.length())); // no trailing blanks
        }
        k++;
      }
      out.append('\n');
    }
    boolean first = true;
    for (CellState s : CellState.values()) {
      out.append(first ? "" : " | ");
      cell(out, s.letter() + " " + s.label(), s, ansi);
      out.append(' ').append(map.count(s));
      first = false;
    }
    return out.append('\n').toString();
  }

  private static void cell(StringBuilder out, String text, CellState state, boolean ansi) {
    if (ansi) {
      out.append("\u001b[").append(state.ansiColour()).append('m').append(text).append(RESET);
    } else {
      out.append(text);
    }
  }

  /** Control characters (C0, DEL, C1) and bidirectional overrides as a backslash, u and four hex digits. */
  static String safe(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean unsafe = c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= '\u202A' && c <= '\u202E')
          || (c >= '\u2066' && c <= '\u2069');
      if (unsafe && b == null) {
        b = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (b != null) {
        b.append(unsafe ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b == null ? text : b.toString();
  }
}
