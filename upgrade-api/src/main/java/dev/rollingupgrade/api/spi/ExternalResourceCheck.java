package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.ScaleSet;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Checks what a scale set model references outside itself before a run touches any instance:
 * SAS tokens and URIs in extension settings, certificates, Key Vault secrets. Azure finds an
 * expired SAS token only when the first batch of VMs fails to provision; a run given this check
 * stops before its first batch instead, with the reasons and the steps to recover.
 *
 * <p>Optional: a run without it skips the preflight. The check reads the model (including
 * {@code protectedSettings}) but must never copy a secret into a {@link Problem}: problems go into
 * the run's error, its history and events. Must be thread-safe; it is called outside the run's
 * lock, and a check that does not answer within the run's call timeout fails the preflight.
 */
@FunctionalInterface
public interface ExternalResourceCheck {
  /** The problems with what {@code model} references; an empty list when everything is usable. */
  CompletionStage<List<Problem>> check(ScaleSet model);

  /**
   * One unusable external resource.
   *
   * @param path JSON path in the scale set document of the field that references it, e.g.
   *     {@code properties.virtualMachineProfile.extensionProfile.extensions[0].properties.settings.fileUris[0]}
   * @param reason why it cannot be used, e.g. {@code SAS token expired at 2026-11-01T00:00:00Z};
   *     never the secret itself
   */
  record Problem(String path, String reason) {
    /** Checks both fields are present. */
    public Problem {
      if (path == null || reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("a problem needs a path and a non-blank reason (path=" + path + ")");
      }
    }
  }
}
