package dev.rollingupgrade.core.json;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProtectedSettings;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.ServiceFabricDurability;
import dev.rollingupgrade.api.ServiceFabricNodeType;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.WindowsConfiguration;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollbackInfo;
import dev.rollingupgrade.api.status.RollingUpgradeActionType;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.api.validation.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Azure-shaped JSON trees into model values. Each method runs inside
 * {@link Violations#collectAll}, so it builds every value even when some are invalid and
 * reports each problem under its full JSON path; required fields that are missing are reported
 * here and filled with placeholders so the rest of the document is still checked.
 */
final class AzureJsonReader {
  private AzureJsonReader() {}

  // ---- scale set ----

  static ScaleSet scaleSet(Cursor root) {
    return scaleSet(root, null);
  }

  /** A scale set; with {@code nameIfAbsent} given, a document without a name (a request body) takes that one. */
  static ScaleSet scaleSet(Cursor root, String nameIfAbsent) {
    ScaleSet.Builder b = ScaleSet.builder();
    root.string("id").ifPresent(b::id);
    b.name(nameIfAbsent != null && !root.has("name") ? nameIfAbsent : root.requiredString("name", "the scale set's name"));
    b.location(root.requiredString("location", "the scale set's region, e.g. westeurope"));
    b.zones(root.strings("zones"));
    root.object("sku").flatMap(sku -> sku.longValue("capacity")).ifPresent(b::capacity);
    // `az vmss show` flattens "properties"; the REST API nests it: accept both
    Cursor props = root.object("properties").orElse(root);
    props.object("upgradePolicy").ifPresent(c -> b.upgradePolicy(upgradePolicy(c)));
    Optional<Cursor> profile = props.object("virtualMachineProfile");
    if (profile.isEmpty()) {
      props.missing("virtualMachineProfile", "the VM model with storageProfile.imageReference");
    }
    VirtualMachineProfile vm = virtualMachineProfile(profile, props.pathOf("virtualMachineProfile"));
    b.virtualMachineProfile(vm);
    props.object("serviceFabricNodeType").ifPresent(c -> b.serviceFabricNodeType(serviceFabricNodeType(c, vm)));
    return Violations.at(root.path(), b::build);
  }

  /** The SDK's {@code properties.serviceFabricNodeType}: the cluster's node type, which the Azure document lacks. */
  static ServiceFabricNodeType serviceFabricNodeType(Cursor c, VirtualMachineProfile vm) {
    ServiceFabricNodeType.Builder b = ServiceFabricNodeType.builder();
    Optional<ServiceFabricDurability> level =
        c.enumValue("durabilityLevel", ServiceFabricDurability.values(), ServiceFabricDurability::azureName);
    if (level.isEmpty() && !c.has("durabilityLevel")) {
      c.missing("durabilityLevel", "the node type's durability, Bronze, Silver or Gold");
    }
    // an unreadable level takes the extension's, so it is reported once, at its own path, and not again as a mismatch
    b.durabilityLevel(level.or(() -> vm.extensionProfile().serviceFabricDurability()).orElse(ServiceFabricDurability.SILVER));
    c.bool("isStateless").ifPresent(b::isStateless);
    return Violations.at(c.path(), b::build);
  }

  static UpgradePolicy upgradePolicy(Cursor c) {
    UpgradePolicy.Builder b = UpgradePolicy.builder();
    c.enumValue("mode", UpgradeMode.values(), UpgradeMode::azureName).ifPresent(b::mode);
    c.object("rollingUpgradePolicy").ifPresent(r -> b.rollingUpgradePolicy(rollingUpgradePolicy(r)));
    c.object("automaticOSUpgradePolicy").ifPresent(a -> b.automaticOSUpgradePolicy(automaticOsPolicy(a)));
    return Violations.at(c.path(), b::build);
  }

  static RollingUpgradePolicy rollingUpgradePolicy(Cursor c) {
    RollingUpgradePolicy.Builder b = RollingUpgradePolicy.builder();
    c.integer("maxBatchInstancePercent").ifPresent(b::maxBatchInstancePercent);
    c.integer("maxUnhealthyInstancePercent").ifPresent(b::maxUnhealthyInstancePercent);
    c.integer("maxUnhealthyUpgradedInstancePercent").ifPresent(b::maxUnhealthyUpgradedInstancePercent);
    c.duration("pauseTimeBetweenBatches").ifPresent(b::pauseTimeBetweenBatches);
    c.bool("enableCrossZoneUpgrade").ifPresent(b::enableCrossZoneUpgrade);
    c.bool("prioritizeUnhealthyInstances").ifPresent(b::prioritizeUnhealthyInstances);
    c.bool("rollbackFailedInstancesOnPolicyBreach").ifPresent(b::rollbackFailedInstancesOnPolicyBreach);
    c.bool("maxSurge").ifPresent(b::maxSurge);
    c.duration("healthTimeout").ifPresent(b::healthTimeout);
    c.bool("respectUpdateDomains").ifPresent(b::respectUpdateDomains);
    return Violations.at(c.path(), b::build);
  }

  static AutomaticOSUpgradePolicy automaticOsPolicy(Cursor c) {
    AutomaticOSUpgradePolicy.Builder b = AutomaticOSUpgradePolicy.builder();
    c.bool("enableAutomaticOSUpgrade").ifPresent(b::enableAutomaticOSUpgrade);
    c.bool("disableAutomaticRollback").ifPresent(b::disableAutomaticRollback);
    c.bool("useRollingUpgradePolicy").ifPresent(b::useRollingUpgradePolicy);
    c.bool("osRollingUpgradeDeferral").ifPresent(b::osRollingUpgradeDeferral);
    return Violations.at(c.path(), b::build);
  }

  private static VirtualMachineProfile virtualMachineProfile(Optional<Cursor> profile, String path) {
    VirtualMachineProfile.Builder b = VirtualMachineProfile.builder();
    if (profile.isEmpty()) {
      return Violations.at(path, () -> b.imageReference(ImageReference.builder().build()).build());
    }
    Cursor c = profile.get();
    Optional<Cursor> storage = c.object("storageProfile");
    Optional<String> uri = storage.flatMap(s -> s.object("osDisk"))
        .flatMap(d -> d.object("image")).flatMap(i -> i.string("uri"));
    Optional<Cursor> image = storage.flatMap(s -> s.object("imageReference"));
    if (image.isEmpty() && uri.isEmpty()) {
      c.missing("storageProfile.imageReference",
          "the OS image (publisher/offer/sku/version, id, or storageProfile.osDisk.image.uri)");
    }
    b.imageReference(imageReference(image, uri, c.pathOf("storageProfile.imageReference")));
    c.object("osProfile").flatMap(o -> o.object("windowsConfiguration")).ifPresent(w ->
        b.windowsConfiguration(WindowsConfiguration.of(w.bool("enableAutomaticUpdates").orElse(true))));
    c.object("networkProfile").flatMap(n -> n.object("healthProbe")).ifPresent(h ->
        b.healthProbe(Violations.at(h.path(), () -> HealthProbeReference.of(h.requiredString("id", "the probe's resource id")))));
    c.object("extensionProfile").ifPresent(e -> b.extensionProfile(extensionProfile(e)));
    return Violations.at(c.path(), b::build);
  }

  /** Reads an image from its two places in Azure JSON; with neither, builds an empty one whose violation the missing-field report covers. */
  static ImageReference imageReference(Optional<Cursor> image, Optional<String> uri, String path) {
    ImageReference.Builder b = ImageReference.builder();
    image.ifPresent(c -> {
      c.string("publisher").ifPresent(b::publisher);
      c.string("offer").ifPresent(b::offer);
      c.string("sku").ifPresent(b::sku);
      c.string("version").ifPresent(b::version);
      c.string("exactVersion").ifPresent(b::exactVersion);
      c.string("id").ifPresent(b::id);
      c.string("sharedGalleryImageId").ifPresent(b::sharedGalleryImageId);
      c.string("communityGalleryImageId").ifPresent(b::communityGalleryImageId);
    });
    uri.ifPresent(b::uri);
    return Violations.at(path, b::build);
  }

  private static ExtensionProfile extensionProfile(Cursor c) {
    List<Extension> extensions = new ArrayList<>();
    for (Cursor e : c.objects("extensions")) {
      extensions.add(extension(e));
    }
    return Violations.at(c.path(), () -> ExtensionProfile.builder().extensions(extensions).build());
  }

  static Extension extension(Cursor c) {
    Extension.Builder b = Extension.builder();
    b.name(c.requiredString("name", "the extension's name"));
    Cursor p = c.object("properties").orElse(c);
    b.publisher(p.requiredString("publisher", "the extension's publisher"));
    // flattened by `az`, "type" is the resource type and the extension's type is "typePropertiesType"
    boolean flattened = p == c && c.has("typePropertiesType");
    b.type(p.requiredString(flattened ? "typePropertiesType" : "type", "the extension's type"));
    b.typeHandlerVersion(p.requiredString("typeHandlerVersion", "the extension's version, e.g. 1.0"));
    p.bool("autoUpgradeMinorVersion").ifPresent(b::autoUpgradeMinorVersion);
    p.bool("enableAutomaticUpgrade").ifPresent(b::enableAutomaticUpgrade);
    b.provisionAfterExtensions(p.strings("provisionAfterExtensions"));
    p.jsonObject("settings").ifPresent(b::settings);
    p.secretObject("protectedSettings").ifPresent(s -> b.protectedSettings(ProtectedSettings.of(s)));
    return Violations.at(c.path(), b::build);
  }

  // ---- instances ----

  static Instance instance(Cursor c) {
    Instance.Builder b = Instance.builder();
    b.instanceId(c.requiredString("instanceId", "the instance id within the scale set"));
    List<String> zones = c.strings("zones");
    if (zones.size() > 1) {
      c.problem("zones", null, "an instance is in at most one zone");
    }
    zones.stream().findFirst().ifPresent(b::zone);
    Cursor p = c.object("properties").orElse(c);
    p.bool("latestModelApplied").ifPresent(b::latestModelApplied);
    p.object("protectionPolicy").flatMap(pp -> pp.bool("protectFromScaleSetActions"))
        .ifPresent(b::protectFromScaleSetActions);
    p.object("storageProfile").ifPresent(s -> {
      Optional<Cursor> image = s.object("imageReference");
      Optional<String> uri = s.object("osDisk").flatMap(d -> d.object("image")).flatMap(i -> i.string("uri"));
      if (image.isPresent() || uri.isPresent()) {
        b.appliedImage(imageReference(image, uri, s.pathOf("imageReference")));
      }
    });
    p.object("instanceView").ifPresent(v -> {
      v.integer("platformFaultDomain").ifPresent(b::platformFaultDomain);
      v.integer("platformUpdateDomain").ifPresent(b::platformUpdateDomain);
      for (Cursor status : v.objects("statuses")) {
        String code = status.string("code").orElse("");
        int slash = code.indexOf('/');
        String kind = slash < 0 ? code : code.substring(0, slash);
        String state = slash < 0 ? "" : code.substring(slash + 1).toUpperCase(Locale.ROOT);
        if (kind.equals("PowerState")) {
          b.powerState(parseOr(PowerState.values(), state, PowerState.UNKNOWN));
        } else if (kind.equals("ProvisioningState")) {
          b.provisioningState(parseOr(ProvisioningState.values(), state, ProvisioningState.UNKNOWN));
        }
      }
      for (Cursor ext : v.objects("extensions")) {
        String name = ext.requiredString("name", "the extension's name");
        ext.string("typeHandlerVersion").ifPresent(ver -> b.putAppliedExtensionVersion(name, ver));
      }
    });
    return Violations.at(c.path(), b::build);
  }

  private static <E extends Enum<E>> E parseOr(E[] values, String name, E fallback) {
    for (E e : values) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return fallback;
  }

  // ---- status and history ----

  static RollingUpgradeStatus rollingUpgradeStatus(Cursor root) {
    RollingUpgradeStatus.Builder b = RollingUpgradeStatus.builder();
    Cursor p = root.object("properties").orElse(root);
    p.object("policy").ifPresent(c -> b.policy(rollingUpgradePolicy(c)));
    p.object("runningStatus").ifPresent(c -> b.runningStatus(runningStatus(c)));
    p.object("progress").ifPresent(c -> b.progress(progress(c)));
    p.object("error").ifPresent(c -> b.error(apiError(c)));
    return Violations.at(root.path(), b::build);
  }

  static UpgradeHistoryEntry historyEntry(Cursor root) {
    UpgradeHistoryEntry.Builder b = UpgradeHistoryEntry.builder();
    root.string("location").ifPresent(b::location);
    Cursor p = root.object("properties").orElse(root);
    p.object("runningStatus").ifPresent(c -> b.runningStatus(runningStatus(c)));
    p.object("progress").ifPresent(c -> b.progress(progress(c)));
    p.object("error").ifPresent(c -> b.error(apiError(c)));
    p.enumValue("startedBy", UpgradeOperationInvoker.values(), UpgradeOperationInvoker::azureName)
        .ifPresent(b::startedBy);
    p.object("targetImageReference").ifPresent(c ->
        b.targetImageReference(imageReference(Optional.of(c), Optional.empty(), c.path())));
    p.object("targetExtension").ifPresent(c -> b.targetExtension(targetExtension(c)));
    p.object("rollbackInfo").ifPresent(c -> b.rollbackInfo(rollbackInfo(c)));
    return Violations.at(root.path(), b::build);
  }

  static TargetExtension targetExtension(Cursor c) {
    var b = TargetExtension.builder();
    c.string("name").ifPresent(b::name);
    c.string("publisher").ifPresent(b::publisher);
    c.string("type").ifPresent(b::type);
    c.string("version").ifPresent(b::version);
    c.string("previousVersion").ifPresent(b::previousVersion);
    return Violations.at(c.path(), b::build);
  }

  private static RunningStatus runningStatus(Cursor c) {
    RunningStatus.Builder b = RunningStatus.builder();
    c.enumValue("code", RollingUpgradeStatusCode.values(), RollingUpgradeStatusCode::azureName).ifPresent(b::code);
    c.instant("startTime").ifPresent(b::startTime);
    c.enumValue("lastAction", RollingUpgradeActionType.values(), RollingUpgradeActionType::azureName)
        .ifPresent(b::lastAction);
    c.instant("lastActionTime").ifPresent(b::lastActionTime);
    c.instant("endTime").ifPresent(b::endTime);
    return Violations.at(c.path(), b::build);
  }

  private static RollingUpgradeProgress progress(Cursor c) {
    RollingUpgradeProgress.Builder b = RollingUpgradeProgress.builder();
    c.integer("successfulInstanceCount").ifPresent(b::successfulInstanceCount);
    c.integer("failedInstanceCount").ifPresent(b::failedInstanceCount);
    c.integer("inProgressInstanceCount").ifPresent(b::inProgressInstanceCount);
    c.integer("pendingInstanceCount").ifPresent(b::pendingInstanceCount);
    return Violations.at(c.path(), b::build);
  }

  private static RollbackInfo rollbackInfo(Cursor c) {
    RollbackInfo.Builder b = RollbackInfo.builder();
    c.integer("successfullyRolledbackInstanceCount").ifPresent(b::successfullyRolledbackInstanceCount);
    c.integer("failedRolledbackInstanceCount").ifPresent(b::failedRolledbackInstanceCount);
    c.object("rollbackError").ifPresent(e -> b.rollbackError(apiError(e)));
    return Violations.at(c.path(), b::build);
  }

  private static ApiError apiError(Cursor c) {
    ApiError.Builder b = ApiError.builder();
    c.string("code").ifPresent(b::code);
    c.string("target").ifPresent(b::target);
    c.string("message").ifPresent(b::message);
    for (Cursor d : c.objects("details")) {
      var detail = ApiErrorDetail.builder();
      d.string("code").ifPresent(detail::code);
      d.string("target").ifPresent(detail::target);
      d.string("message").ifPresent(detail::message);
      b.addDetail(detail.build());
    }
    return b.build();
  }
}
