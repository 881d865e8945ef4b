package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.Versions;
import java.util.Collection;
import java.util.Optional;

/**
 * Which published version an opted-in extension moves to. Automatic upgrades stay within the
 * major version of the extension's {@code typeHandlerVersion}: with {@code autoUpgradeMinorVersion}
 * (Azure's usual setting) to the newest version of that major ({@code 9.10} to {@code 9.12.3});
 * without it, only to the newest of the same major and minor ({@code 9.10} to {@code 9.10.7}). A
 * newer major is never applied automatically; {@link #newerMajor} reports it. Only numeric
 * versions count (a {@code -preview} is never picked). Stateless.
 */
public final class ExtensionVersions {
  private ExtensionVersions() {}

  /** The version {@code installed} (of {@code extension}) moves to: the newest allowed one above it, if any. */
  public static Optional<String> next(Extension extension, String installed, Collection<String> published) {
    String model = extension.typeHandlerVersion();
    return published.stream().filter(Versions::isNumeric).filter(v -> Versions.compare(v, installed) > 0)
        .filter(v -> sameLine(v, model,
        extension.autoUpgradeMinorVersion())).max(Versions.ORDER);
  }

  /** The newest published version of a higher major than the model's, if any: available, never applied automatically. */
  public static Optional<String> newerMajor(Extension extension, Collection<String> published) {
    Optional<Long> major = Versions.major(extension.typeHandlerVersion());
    return published.stream().filter(Versions::isNumeric).filter(v -> major.isPresent() && Versions.major(v)
        .filter(m -> m > major.get())
        .isPresent()).max(Versions.ORDER);
  }

  private static boolean sameLine(String version, String model, boolean anyMinor) {
    String[] v = version.split("\\.");
    String[] m = model.split("\\.");
    int parts = anyMinor ? 1 : 2;
    for (int i = 0; i < parts; i++) {
      String a = i < v.length ? v[i] : "0";
      String b = i < m.length ? m[i] : "0";
      if (Versions.compare(a, b) != 0) {
        return false;
      }
    }
    return true;
  }
}
