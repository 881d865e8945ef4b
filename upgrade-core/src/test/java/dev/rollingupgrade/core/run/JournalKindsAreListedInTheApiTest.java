package dev.rollingupgrade.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.spi.JournalRecordKind;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 17: every record kind a run's codec writes is in the api's typed view, and nothing else is. */
class JournalKindsAreListedInTheApiTest {
  @Test
  void theRunCodecsKindsAreExactlyTheApisRunKinds() throws IllegalAccessException {
    List<String> written = stringConstants(EventCodec.class);
    List<String> listed = Arrays.stream(JournalRecordKind.values()).filter(k -> !k.isRollout())
        .map(JournalRecordKind::wireName).toList();
    assertThat(written).containsExactlyInAnyOrderElementsOf(listed);
  }

  /** The kind names a codec class declares as {@code static final String} constants. */
  static List<String> stringConstants(Class<?> codec) throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field f : codec.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        f.setAccessible(true);
        out.add((String) f.get(null));
      }
    }
    return out;
  }
}
