package dev.rollingupgrade.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for fault scripts, so users can run random misbehaving fleets through their
 * own code: {@code FaultArbitraries.faultScripts(50, 0.2)} gives scripts where each of 50
 * instances has a fault with probability 0.2. Stateless and thread-safe.
 */
public final class FaultArbitraries {
  private FaultArbitraries() {}

  /**
   * Fault scripts for a fleet of {@code instances}; each instance faulty with probability
   * {@code faultRate} (0..1), the kind of fault chosen uniformly.
   */
  public static Arbitrary<FaultScript> faultScripts(int instances, double faultRate) {
    if (instances < 0) {
      throw new IllegalArgumentException("instances must be 0 or more, got " + instances);
    }
    if (!(faultRate >= 0 && faultRate <= 1)) {
      throw new IllegalArgumentException("faultRate must be between 0 and 1, got " + faultRate);
    }
    int faultyWeight = (int) Math.round(faultRate * 1000);
    Arbitrary<Optional<FaultScript.Fault>> one = Arbitraries.frequencyOf(
        Tuple.of(1000 - faultyWeight, Arbitraries.just(Optional.<FaultScript.Fault>empty())),
        Tuple.of(faultyWeight, Arbitraries.of(FaultScript.Fault.class).map(Optional::of)));
    return one.list().ofSize(instances).map(list -> {
      Map<Integer, FaultScript.Fault> faults = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        int number = i;
        list.get(i).ifPresent(f -> faults.put(number, f));
      }
      return new FaultScript(faults);
    });
  }

  /** Fault scripts with at most {@code maxFaults} faults of the given kinds among {@code instances}. */
  public static Arbitrary<FaultScript> faultScripts(int instances, int maxFaults, FaultScript.Fault... kinds) {
    Arbitrary<FaultScript.Fault> fault = kinds.length == 0 ? Arbitraries.of(FaultScript.Fault.class) : Arbitraries.of(kinds);
    Arbitrary<Map<Integer, FaultScript.Fault>> maps = Arbitraries.maps(
        Arbitraries.integers().between(0, Math.max(0, instances - 1)), fault).ofMaxSize(maxFaults);
    return maps.map(FaultScript::new);
  }
}
