package dev.rollingupgrade.core.mode;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a model update changes, checked against what an existing scale set may change (DESIGN §8,
 * the seed's model update workflow). Allowed: the platform image's {@code sku} and
 * {@code version}, a managed or gallery image id, an unmanaged custom image URI, extensions, the
 * health probe, Windows settings, the upgrade policy and capacity. Refused, each naming its field:
 * another name or location, another image {@code publisher} or {@code offer}, and a switch
 * between image forms (platform, managed or gallery id, unmanaged URI). Immutable.
 *
 * @param before the model as it was
 * @param after the model as it will be
 * @param changes each changed field as {@code path: old -> new}, in a fixed order; protected
 *     settings are never shown (only that they changed)
 */
public record ModelChange(ScaleSet before, ScaleSet after, List<String> changes) {
  static final String PROFILE = "properties.virtualMachineProfile";
  static final String IMAGE = PROFILE + ".storageProfile.imageReference";
  static final String IMAGE_URI = PROFILE + ".storageProfile.osDisk.image.uri";
  private static final String SUBJECT = "model update";

  /** Copies the list of changes. */
  public ModelChange {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    changes = List.copyOf(changes);
  }

  /**
   * The change from {@code before} to {@code after}.
   *
   * @throws InvalidModelException listing every refused change, each with its field's path
   */
  public static ModelChange between(ScaleSet before, ScaleSet after) {
    List<Violation> refused = new ArrayList<>();
    if (!before.name().equals(after.name())) {
      refused.add(new Violation("name", after.name(), "a model update cannot rename scale set " + before.name()));
    }
    if (!before.location().equals(after.location())) {
      refused.add(new Violation("location", after.location(), "a model update cannot move scale set " + before.name()
          + " out of " + before.location() + ": deploy a new scale set there"));
    }
    ImageReference was = before.virtualMachineProfile().imageReference();
    ImageReference is = after.virtualMachineProfile().imageReference();
    if (was.form() != is.form()) {
      refused.add(new Violation(is.form() == ImageReference.Form.UNMANAGED_URI ? IMAGE_URI : IMAGE, is.display(),
          "an existing scale set cannot switch its image from " + formName(was.form()) + " to " + formName(is.form())
              + ": change the image within its form, or deploy a new scale set"));
    } else if (was.form() == ImageReference.Form.PLATFORM) {
      samePlatformField(refused, "publisher", was.publisher(), is.publisher());
      samePlatformField(refused, "offer", was.offer(), is.offer());
    }
    if (!refused.isEmpty()) {
      throw new InvalidModelException(SUBJECT, refused);
    }
    return new ModelChange(before, after, describe(before, after));
  }

  /** Whether the instances go out of date: the virtual machine profile changed. */
  public boolean reachesInstances() {
    return !before.virtualMachineProfile().equals(after.virtualMachineProfile());
  }

  /** Whether anything changed at all. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  private static void samePlatformField(List<Violation> refused, String field, Optional<String> was,
      Optional<String> is) {
    if (!was.equals(is)) {
      refused.add(new Violation(IMAGE + "." + field, is.orElse(""), "an existing scale set cannot change its image's "
          + field + " (it is " + was.orElse("unset") + "): only the sku and version of a platform image may change; "
          + "deploy a new scale set for another " + field));
    }
  }

  private static String formName(ImageReference.Form form) {
    return switch (form) {
      case PLATFORM -> "a platform image (publisher, offer, sku, version)";
      case ID -> "a managed image id";
      case SHARED_GALLERY -> "a shared gallery image id";
      case COMMUNITY_GALLERY -> "a community gallery image id";
      case UNMANAGED_URI -> "an unmanaged custom image URI";
    };
  }

  private static List<String> describe(ScaleSet before, ScaleSet after) {
    List<String> changes = new ArrayList<>();
    ImageReference was = before.virtualMachineProfile().imageReference();
    ImageReference is = after.virtualMachineProfile().imageReference();
    field(changes, IMAGE + ".sku", was.sku(), is.sku());
    field(changes, IMAGE + ".version", was.version(), is.version());
    field(changes, IMAGE + ".exactVersion", was.exactVersion(), is.exactVersion());
    field(changes, IMAGE + ".id", was.id(), is.id());
    field(changes, IMAGE + ".sharedGalleryImageId", was.sharedGalleryImageId(), is.sharedGalleryImageId());
    field(changes, IMAGE + ".communityGalleryImageId", was.communityGalleryImageId(), is.communityGalleryImageId());
    field(changes, IMAGE_URI, was.uri().map(ModelChange::withoutQuery), is.uri().map(ModelChange::withoutQuery));
    Map<String, Extension> wasExt = byName(before);
    Map<String, Extension> isExt = byName(after);
    String ext = PROFILE + ".extensionProfile.extensions";
    for (String name : union(wasExt, isExt)) {
      Extension a = wasExt.get(name);
      Extension b = isExt.get(name);
      if (a == null) {
        changes.add(ext + "[" + name + "]: added, version " + b.typeHandlerVersion());
      } else if (b == null) {
        changes.add(ext + "[" + name + "]: removed");
      } else if (!a.equals(b)) {
        changes.add(ext + "[" + name + "]: " + extensionChange(a, b));
      }
    }
    field(changes, PROFILE + ".networkProfile.healthProbe.id",
        before.virtualMachineProfile().healthProbe().map(p -> p.id()),
        after.virtualMachineProfile().healthProbe().map(p -> p.id()));
    field(changes, PROFILE + ".osProfile.windowsConfiguration.enableAutomaticUpdates",
        before.virtualMachineProfile().windowsConfiguration().map(w -> w.enableAutomaticUpdates()),
        after.virtualMachineProfile().windowsConfiguration().map(w -> w.enableAutomaticUpdates()));
    if (!before.upgradePolicy().equals(after.upgradePolicy())) {
      changes.add("properties.upgradePolicy: changed");
    }
    if (before.capacity() != after.capacity()) {
      changes.add("sku.capacity: " + before.capacity() + " -> " + after.capacity());
    }
    return changes;
  }

  /** A URI with its query (e.g. a SAS token's signature) shown as {@code ?***}: changes go to logs and events. */
  static String withoutQuery(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q) + "?***";
  }

  private static String extensionChange(Extension a, Extension b) {
    List<String> parts = new ArrayList<>();
    if (!a.typeHandlerVersion().equals(b.typeHandlerVersion())) {
      parts.add("typeHandlerVersion " + a.typeHandlerVersion() + " -> " + b.typeHandlerVersion());
    }
    if (!a.settings().equals(b.settings())) {
      parts.add("settings changed");
    }
    if (!a.protectedSettings().equals(b.protectedSettings())) {
      parts.add("protectedSettings changed"); // never their values
    }
    return parts.isEmpty() ? "changed" : String.join(", ", parts);
  }

  private static Map<String, Extension> byName(ScaleSet set) {
    Map<String, Extension> map = new TreeMap<>();
    set.virtualMachineProfile().extensionProfile().extensions().forEach(e -> map.put(e.name(), e));
    return map;
  }

  private static List<String> union(Map<String, Extension> a, Map<String, Extension> b) {
    TreeMap<String, Boolean> names = new TreeMap<>();
    a.keySet().forEach(n -> names.put(n, true));
    b.keySet().forEach(n -> names.put(n, true));
    return List.copyOf(names.keySet());
  }

  private static <T> void field(List<String> changes, String path, Optional<T> was, Optional<T> is) {
    if (!was.equals(is)) {
      Function<Optional<T>, String> show = v -> v.map(String::valueOf).orElse("(none)");
      changes.add(path + ": " + show.apply(was) + " -> " + show.apply(is));
    }
  }
}
