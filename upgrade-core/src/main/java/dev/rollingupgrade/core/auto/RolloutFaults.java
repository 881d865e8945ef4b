package dev.rollingupgrade.core.auto;

import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The members of a rollout whose runs did not complete, and the fault the rollout reports: the
 * member that failed first, by its run's end time, then by plan order — the same whichever order
 * the ends were read in, live or on resume. Used on the rollout's executor only.
 */
final class RolloutFaults {
  private final String release;
  private final PhasePlan plan;
  private final Map<String, Integer> planIndex;
  private final List<Failure> failures = new ArrayList<>();

  RolloutFaults(String release, PhasePlan plan, Map<String, Integer> planIndex) {
    this.release = release;
    this.plan = plan;
    this.planIndex = planIndex;
  }

  void add(Instant at, String set, RollingUpgradeStatusCode code, Optional<ApiError> error) {
    failures.add(new Failure(at, planIndex.get(set), set, code, error));
  }

  boolean isEmpty() {
    return failures.isEmpty();
  }

  /** The rollout's fault; only when {@link #isEmpty()} is false. */
  ApiError first() {
    Failure f = failures.stream().min(Comparator.comparing(Failure::at).thenComparing(Failure::planIndex))
        .orElseThrow();
    String why = f.error().map(e -> e.code().orElse("") + ": " + e.message().orElse(""))
        .orElse("its run ended " + f.code());
    RegionStep region = plan.stepOf(regionOfSet(f.set())).orElseThrow();
    int at = plan.phaseOf(region.region()).orElseThrow().number();
    int last = plan.phases().size();
    String untouched = at == last ? "" : at + 1 == last ? "; phase " + last + " untouched"
        : "; phases " + (at + 1) + ".." + last + " untouched";
    return ApiError.builder().code(RollingUpgradeErrorCodes.ROLLOUT_STOPPED_AT_PHASE)
        .message("rollout of " + release + " stopped at phase " + at + ": scale set " + f.set() + " in "
            + region.region() + " " + (f.code() == RollingUpgradeStatusCode.CANCELLED ? "was cancelled" : "faulted")
            + " (" + why + ")" + untouched)
        .addDetails(ApiErrorDetail.of(f.error().flatMap(ApiError::code).orElse(f.code().name()), f.set(), why))
        .build();
  }

  private String regionOfSet(String set) {
    for (Phase p : plan.phases()) {
      for (RegionStep r : p.regions()) {
        if (r.scaleSets().contains(set)) {
          return r.region();
        }
      }
    }
    throw new IllegalStateException(set + " is not in the plan");
  }

  /** A member whose run did not complete, when and where in the plan. */
  private record Failure(Instant at, int planIndex, String set, RollingUpgradeStatusCode code,
      Optional<ApiError> error) {}
}
