package dev.rollingupgrade.core.json;

/** Whether JSON output carries extension {@code protectedSettings}. */
public enum SecretHandling {
  /** Secrets are written as {@code "***"}: for display, logs and anything a person may read. */
  MASKED,
  /** Secrets are written as they are: only for handing the model to Azure or a secure store. */
  INCLUDED
}
