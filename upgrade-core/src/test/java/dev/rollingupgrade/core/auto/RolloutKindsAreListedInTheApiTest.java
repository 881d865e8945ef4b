package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.spi.JournalRecordKind;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 17: every record kind a rollout journal writes is in the api's typed view, and nothing else is. */
class RolloutKindsAreListedInTheApiTest {
  @Test
  void theRolloutJournalsKindsAreExactlyTheApisRolloutKinds() throws IllegalAccessException {
    List<String> written = new ArrayList<>();
    for (Field f : RolloutJournal.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        f.setAccessible(true);
        written.add((String) f.get(null));
      }
    }
    List<String> listed = Arrays.stream(JournalRecordKind.values()).filter(JournalRecordKind::isRollout)
        .map(JournalRecordKind::wireName).toList();
    assertThat(written).containsExactlyInAnyOrderElementsOf(listed);
  }
}
