package dev.rollingupgrade.core.extension;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ScaleSet;
import java.util.Map;
import java.util.TreeMap;

/** One enabled group of VMs: its model, its kind, its extensions' states. Used on the service's executor only. */
final class WatchedGroup {
  ScaleSet model;
  VmGroupKind kind = VmGroupKind.SCALE_SET;
  final Map<String, ExtensionState> extensions = new TreeMap<>();

  ExtensionState ext(Extension e) {
    return extensions.computeIfAbsent(e.name(), n -> new ExtensionState(e.typeHandlerVersion()));
  }
}
