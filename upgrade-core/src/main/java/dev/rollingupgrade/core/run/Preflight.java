package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.spi.ExternalResourceCheck.Problem;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollingUpgradeErrorCodes;
import java.util.ArrayList;
import java.util.List;

/** The error of a run stopped by its preflight, with the recovery steps of the Azure documentation. */
final class Preflight {
  /** Azure's recovery steps after an authentication failure of an external resource, in order. */
  static final String RECOVERY = "Recover: 1. regenerate the token (or other credential) given to the extension; "
      + "2. make sure every credential used from inside the VMs is current; "
      + "3. update the extension in the scale set model with the new token; "
      + "4. roll out the updated model to every instance, the failed ones included.";

  private Preflight() {}

  static ApiError failure(String scaleSetName, List<Problem> problems) {
    List<ApiErrorDetail> details = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      details.add(ApiErrorDetail.of(RollingUpgradeErrorCodes.EXTERNAL_RESOURCES, p.path(), p.reason()));
    }
    String first = problems.get(0).path() + ": " + problems.get(0).reason();
    String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more, see details)";
    return RunLifecycle.error(RollingUpgradeErrorCodes.EXTERNAL_RESOURCES, "the model of " + scaleSetName
        + " references external resources that cannot be used: " + first + more
        + ". No instance was touched. " + RECOVERY, details);
  }
}
