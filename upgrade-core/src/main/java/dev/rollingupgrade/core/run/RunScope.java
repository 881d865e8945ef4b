package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.core.plan.NaturalOrder;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Which out-of-date instances a run may touch, and whether it cuts them into rolling batches or
 * upgrades them all at once. A rolling run ({@link #rolling()}, the default) touches every
 * instance, batch after batch, by the policy. The upgrade modes of DESIGN §8 use the others: a
 * {@code Manual} set's explicit calls upgrade {@link #instances chosen instances} or
 * {@link #updateDomain one update domain} in one batch, and an {@code Automatic} set upgrades
 * {@link #allAtOnce() every out-of-date instance at once} (downtime, logged as a warning). The
 * scope is journalled with the run, so a resumed run keeps it. Immutable.
 *
 * @param instanceIds the only instances the run may touch, in natural order; empty for no such limit
 * @param updateDomain the only update domain the run may touch; empty for no such limit
 * @param oneBatch whether every instance in scope goes in one batch (no rolling policy between them)
 */
public record RunScope(Optional<List<String>> instanceIds, OptionalInt updateDomain, boolean oneBatch) {
  /** The largest update domain number accepted (Azure uses 0..19; 1,000 leaves room for other fleets). */
  public static final int MAX_UPDATE_DOMAIN = 999;

  /**
   * Checks the scope.
   *
   * @throws IllegalArgumentException for an empty or blank instance id list, or a negative update domain
   */
  public RunScope {
    Objects.requireNonNull(instanceIds, "instanceIds");
    Objects.requireNonNull(updateDomain, "updateDomain");
    instanceIds = instanceIds.map(RunScope::distinctInNaturalOrder);
    if (instanceIds.isPresent() && instanceIds.get().isEmpty()) {
      throw new IllegalArgumentException("instanceIds must name at least one instance");
    }
    if (instanceIds.isPresent() && instanceIds.get().stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("instanceIds must not contain a blank id");
    }
    if (updateDomain.isPresent() && (updateDomain.getAsInt() < 0 || updateDomain.getAsInt() > MAX_UPDATE_DOMAIN)) {
      throw new IllegalArgumentException("updateDomain must be between 0 and " + MAX_UPDATE_DOMAIN + ", was "
          + updateDomain.getAsInt());
    }
  }

  /** Every instance, batch after batch by the rolling policy (a {@code Rolling} set's run). */
  public static RunScope rolling() {
    return new RunScope(Optional.empty(), OptionalInt.empty(), false);
  }

  /** Every out-of-date instance in one batch: an {@code Automatic} set's run, with downtime. */
  public static RunScope allAtOnce() {
    return new RunScope(Optional.empty(), OptionalInt.empty(), true);
  }

  /**
   * Just these instances, in one batch ({@code manualUpgrade}). Ids already at the target are
   * left alone; an id the driver does not list fails the run before anything is upgraded.
   *
   * @throws IllegalArgumentException for no ids or a blank one
   * @throws NullPointerException for a null id
   */
  public static RunScope instances(Collection<String> instanceIds) {
    if (instanceIds.stream().anyMatch(Objects::isNull)) {
      throw new NullPointerException("instanceIds must not contain null");
    }
    return new RunScope(Optional.of(List.copyOf(instanceIds)), OptionalInt.empty(), true);
  }

  /**
   * The out-of-date instances of one update domain, in one batch. A domain with no instance fails
   * the run before anything is upgraded.
   *
   * @throws IllegalArgumentException for a domain outside 0..{@value #MAX_UPDATE_DOMAIN}
   */
  public static RunScope updateDomain(int updateDomain) {
    return new RunScope(Optional.empty(), OptionalInt.of(updateDomain), true);
  }

  /** Whether this is the default: every instance, by the rolling policy. */
  public boolean isRolling() {
    return instanceIds.isEmpty() && updateDomain.isEmpty() && !oneBatch;
  }

  /** Whether the whole set goes at once (an {@code Automatic} set's run): every instance in scope is down together. */
  public boolean isWholeSetAtOnce() {
    return oneBatch && instanceIds.isEmpty() && updateDomain.isEmpty();
  }

  /** Whether the run may touch this instance. */
  public boolean includes(String instanceId, int instanceUpdateDomain) {
    return instanceIds.map(ids -> ids.contains(instanceId)).orElse(true)
        && (updateDomain.isEmpty() || updateDomain.getAsInt() == instanceUpdateDomain);
  }

  /**
   * The policy the run cuts batches by: {@code base} for a rolling scope; for an all-at-once one,
   * {@code base} opened up so that one batch holds every instance in scope (any size, zones and
   * update domains together, no unhealthy limit, no pause), keeping its health timeout.
   */
  public RollingUpgradePolicy batchPolicy(RollingUpgradePolicy base) {
    if (!oneBatch) {
      return base;
    }
    return RollingUpgradePolicy.builder().from(base).maxBatchInstancePercent(100).maxUnhealthyInstancePercent(100)
        .maxUnhealthyUpgradedInstancePercent(100).enableCrossZoneUpgrade(true).respectUpdateDomains(false)
        .prioritizeUnhealthyInstances(false).pauseTimeBetweenBatches(Duration.ZERO).build();
  }

  /** The scope in words, for logs and the run's first event, e.g. {@code update domain 0, at once}. */
  public String describe() {
    if (isRolling()) {
      return "every instance, in rolling batches";
    }
    StringBuilder s = new StringBuilder();
    instanceIds.ifPresent(ids -> s.append(ids.size() == 1 ? "instance " : "instances ").append(String.join(", ", ids)));
    updateDomain.ifPresent(ud -> s.append(s.length() > 0 ? " in " : "").append("update domain ").append(ud));
    if (s.length() == 0) {
      s.append("every out-of-date instance");
    }
    return s.append(oneBatch ? ", at once" : ", in rolling batches").toString();
  }

  private static List<String> distinctInNaturalOrder(List<String> ids) {
    TreeSet<String> sorted = new TreeSet<>(NaturalOrder.INSTANCE);
    for (String id : ids) {
      sorted.add(Objects.requireNonNull(id, "instance id"));
    }
    return List.copyOf(sorted);
  }
}
