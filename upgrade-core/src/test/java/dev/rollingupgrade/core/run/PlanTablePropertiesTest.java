package dev.rollingupgrade.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.core.plan.InstanceSnapshot;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The journalled plan table reads back as written, whatever the ids and zones hold. */
class PlanTablePropertiesTest {

  @Provide
  Arbitrary<List<InstanceSnapshot>> tables() {
    Arbitrary<String> text = Arbitraries.strings().withChars("ab1\t\n\\ -_z").ofMinLength(1).ofMaxLength(8);
    Arbitrary<InstanceSnapshot> row = Combinators.combine(text, text.optional(), Arbitraries.integers().between(0, 1000),
            Arbitraries.of(HealthState.class), Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as((id, zone, ud, health, needs, prot) -> new InstanceSnapshot(id, zone, ud, health, needs, needs && prot));
    return row.list().ofMaxSize(30);
  }

  @Property(tries = 300)
  void aTableReadsBackEqual(@ForAll("tables") List<InstanceSnapshot> table) {
    assertThat(PlanTable.read(PlanTable.write(table))).isEqualTo(table);
  }

  @Property(tries = 10)
  void anEmptyZoneIsRegional(@ForAll("tables") List<InstanceSnapshot> table) {
    List<InstanceSnapshot> regional = table.stream()
        .map(s -> new InstanceSnapshot(s.instanceId(), Optional.empty(), s.updateDomain(), s.health(), s.needsUpgrade(),
            s.protectedFromScaleSetActions())).toList();
    assertThat(PlanTable.read(PlanTable.write(regional))).allMatch(s -> s.zone().isEmpty());
  }
}
