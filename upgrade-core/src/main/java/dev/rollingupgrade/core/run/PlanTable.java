package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The instances a run planned with, as one journal attribute, so a resumed run rebuilds exactly
 * the same plan. One line per instance: {@code id TAB zone TAB update-domain TAB flag health},
 * where zone is empty for a regional instance, flag is {@code c} (to upgrade), {@code t} (at
 * target) or {@code p} (protected), and health is {@code H}ealthy, {@code U}nhealthy,
 * {@code K} (unknown) or {@code I}nitializing. Tabs, newlines and backslashes in ids and zones
 * are escaped with a backslash. About 15 bytes per instance: a run may plan a million.
 */
final class PlanTable {
  private PlanTable() {}

  static String write(List<InstanceSnapshot> table) {
    StringBuilder text = new StringBuilder(table.size() * 16 + 16);
    for (InstanceSnapshot s : table) {
      escape(text, s.instanceId());
      text.append('\t');
      s.zone().ifPresent(z -> escape(text, z));
      text.append('\t').append(s.updateDomain()).append('\t')
          .append(!s.needsUpgrade() ? 't' : s.protectedFromScaleSetActions() ? 'p' : 'c')
          .append(health(s.health())).append('\n');
    }
    return text.toString();
  }

  static List<InstanceSnapshot> read(String text) {
    List<InstanceSnapshot> table = new ArrayList<>();
    int pos = 0;
    try {
      while (pos < text.length()) {
        int end = text.indexOf('\n', pos);
        String[] fields = split(text.substring(pos, end));
        char flag = fields[3].charAt(0);
        table.add(new InstanceSnapshot(fields[0], fields[1].isEmpty() ? Optional.empty() : Optional.of(fields[1]),
            Integer.parseInt(fields[2]), health(fields[3].charAt(1)), flag != 't', flag == 'p'));
        pos = end + 1;
      }
      return table;
    } catch (RuntimeException e) {
      throw new IllegalStateException("the journal's plan of instances cannot be read at character " + pos + ": "
          + e.getMessage(), e);
    }
  }

  private static char health(HealthState h) {
    return switch (h) {
      case HEALTHY -> 'H';
      case UNHEALTHY -> 'U';
      case UNKNOWN -> 'K';
      case INITIALIZING -> 'I';
    };
  }

  private static HealthState health(char c) {
    return switch (c) {
      case 'H' -> HealthState.HEALTHY;
      case 'U' -> HealthState.UNHEALTHY;
      case 'K' -> HealthState.UNKNOWN;
      case 'I' -> HealthState.INITIALIZING;
      default -> throw new IllegalArgumentException("unknown health '" + c + "'");
    };
  }

  private static void escape(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\\' -> out.append("\\\\");
        default -> out.append(c);
      }
    }
  }

  /** The four tab-separated fields of a line, unescaped. */
  private static String[] split(String line) {
    String[] fields = new String[4];
    StringBuilder field = new StringBuilder();
    int f = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        char e = line.charAt(++i);
        field.append(e == 't' ? '\t' : e == 'n' ? '\n' : e);
      } else if (c == '\t') {
        fields[f++] = field.toString();
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields[f] = field.toString();
    if (f != 3) {
      throw new IllegalArgumentException("expected 4 fields, found " + (f + 1));
    }
    return fields;
  }
}
