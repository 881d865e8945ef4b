package dev.rollingupgrade.core.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.status.ApiError;
import dev.rollingupgrade.api.status.ApiErrorDetail;
import dev.rollingupgrade.api.status.RollbackInfo;
import dev.rollingupgrade.api.status.RollingUpgradeProgress;
import dev.rollingupgrade.api.status.RollingUpgradeStatus;
import dev.rollingupgrade.api.status.RunningStatus;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes model values as Azure-shaped JSON trees; every field is written, defaults included. */
final class AzureJsonWriter {
  private final SecretHandling secrets;

  AzureJsonWriter(SecretHandling secrets) {
    this.secrets = secrets;
  }

  private static ObjectNode object() {
    return AzureJson.MAPPER.createObjectNode();
  }

  // ---- scale set ----

  ObjectNode scaleSet(ScaleSet s) {
    ObjectNode root = object();
    s.id().ifPresent(id -> root.put("id", id));
    root.put("name", s.name());
    root.put("location", s.location());
    ArrayNode zones = root.putArray("zones");
    s.zones().forEach(zones::add);
    root.putObject("sku").put("capacity", s.capacity());
    ObjectNode props = root.putObject("properties");
    props.set("upgradePolicy", upgradePolicy(s.upgradePolicy()));
    props.set("virtualMachineProfile", virtualMachineProfile(s.virtualMachineProfile()));
    s.serviceFabricNodeType().ifPresent(n -> props.putObject("serviceFabricNodeType")
        .put("durabilityLevel", n.durabilityLevel().azureName()).put("isStateless", n.isStateless()));
    return root;
  }

  ObjectNode upgradePolicy(UpgradePolicy p) {
    ObjectNode node = object();
    node.put("mode", p.mode().azureName());
    node.set("rollingUpgradePolicy", rollingUpgradePolicy(p.rollingUpgradePolicy()));
    node.set("automaticOSUpgradePolicy", automaticOsPolicy(p.automaticOSUpgradePolicy()));
    return node;
  }

  ObjectNode rollingUpgradePolicy(RollingUpgradePolicy p) {
    ObjectNode node = object();
    node.put("maxBatchInstancePercent", p.maxBatchInstancePercent());
    node.put("maxUnhealthyInstancePercent", p.maxUnhealthyInstancePercent());
    node.put("maxUnhealthyUpgradedInstancePercent", p.maxUnhealthyUpgradedInstancePercent());
    node.put("pauseTimeBetweenBatches", p.pauseTimeBetweenBatches().toString());
    node.put("enableCrossZoneUpgrade", p.enableCrossZoneUpgrade());
    node.put("prioritizeUnhealthyInstances", p.prioritizeUnhealthyInstances());
    node.put("rollbackFailedInstancesOnPolicyBreach", p.rollbackFailedInstancesOnPolicyBreach());
    node.put("maxSurge", p.maxSurge());
    node.put("healthTimeout", p.healthTimeout().toString());
    node.put("respectUpdateDomains", p.respectUpdateDomains());
    return node;
  }

  private ObjectNode automaticOsPolicy(AutomaticOSUpgradePolicy p) {
    ObjectNode node = object();
    node.put("enableAutomaticOSUpgrade", p.enableAutomaticOSUpgrade());
    node.put("disableAutomaticRollback", p.disableAutomaticRollback());
    node.put("useRollingUpgradePolicy", p.useRollingUpgradePolicy());
    node.put("osRollingUpgradeDeferral", p.osRollingUpgradeDeferral());
    return node;
  }

  private ObjectNode virtualMachineProfile(VirtualMachineProfile p) {
    ObjectNode node = object();
    p.windowsConfiguration().ifPresent(w -> node.putObject("osProfile").putObject("windowsConfiguration")
        .put("enableAutomaticUpdates", w.enableAutomaticUpdates()));
    ObjectNode storage = node.putObject("storageProfile");
    writeImage(storage, p.imageReference());
    p.healthProbe().ifPresent(h -> node.putObject("networkProfile").putObject("healthProbe").put("id", h.id()));
    ArrayNode extensions = node.putObject("extensionProfile").putArray("extensions");
    p.extensionProfile().extensions().forEach(e -> extensions.add(extension(e)));
    return node;
  }

  /** Writes an image into a storage profile: {@code imageReference}, or {@code osDisk.image.uri}. */
  private void writeImage(ObjectNode storage, ImageReference image) {
    if (image.form() == ImageReference.Form.UNMANAGED_URI) {
      storage.putObject("osDisk").putObject("image").put("uri", image.uri().orElseThrow());
    } else {
      storage.set("imageReference", imageReference(image));
    }
  }

  ObjectNode imageReference(ImageReference i) {
    ObjectNode node = object();
    putIfPresent(node, "publisher", i.publisher());
    putIfPresent(node, "offer", i.offer());
    putIfPresent(node, "sku", i.sku());
    putIfPresent(node, "version", i.version());
    putIfPresent(node, "exactVersion", i.exactVersion());
    putIfPresent(node, "id", i.id());
    putIfPresent(node, "sharedGalleryImageId", i.sharedGalleryImageId());
    putIfPresent(node, "communityGalleryImageId", i.communityGalleryImageId());
    putIfPresent(node, "uri", i.uri());
    return node;
  }

  ObjectNode extension(Extension e) {
    ObjectNode node = object();
    node.put("name", e.name());
    ObjectNode p = node.putObject("properties");
    p.put("publisher", e.publisher());
    p.put("type", e.type());
    p.put("typeHandlerVersion", e.typeHandlerVersion());
    p.put("autoUpgradeMinorVersion", e.autoUpgradeMinorVersion());
    p.put("enableAutomaticUpgrade", e.enableAutomaticUpgrade());
    ArrayNode after = p.putArray("provisionAfterExtensions");
    e.provisionAfterExtensions().forEach(after::add);
    p.set("settings", AzureJson.MAPPER.valueToTree(e.settings()));
    if (!e.protectedSettings().isEmpty()) {
      if (secrets == SecretHandling.INCLUDED) {
        p.set("protectedSettings", AzureJson.MAPPER.valueToTree(e.protectedSettings().reveal()));
      } else {
        p.put("protectedSettings", "***");
      }
    }
    return node;
  }

  // ---- instances ----

  ObjectNode instance(Instance i) {
    ObjectNode node = object();
    node.put("instanceId", i.instanceId());
    i.zone().ifPresent(z -> node.putArray("zones").add(z));
    ObjectNode p = node.putObject("properties");
    p.put("latestModelApplied", i.latestModelApplied());
    p.putObject("protectionPolicy").put("protectFromScaleSetActions", i.protectFromScaleSetActions());
    i.appliedImage().ifPresent(image -> writeImage(p.putObject("storageProfile"), image));
    ObjectNode view = p.putObject("instanceView");
    view.put("platformUpdateDomain", i.platformUpdateDomain());
    view.put("platformFaultDomain", i.platformFaultDomain());
    ArrayNode statuses = view.putArray("statuses");
    statuses.addObject().put("code", "ProvisioningState/" + i.provisioningState().name().toLowerCase(Locale.ROOT));
    statuses.addObject().put("code", "PowerState/" + i.powerState().name().toLowerCase(Locale.ROOT));
    ArrayNode extensions = view.putArray("extensions");
    for (Map.Entry<String, String> e : i.appliedExtensionVersions().entrySet()) {
      extensions.addObject().put("name", e.getKey()).put("typeHandlerVersion", e.getValue());
    }
    return node;
  }

  // ---- status and history ----

  ObjectNode rollingUpgradeStatus(RollingUpgradeStatus s) {
    ObjectNode root = object();
    ObjectNode p = root.putObject("properties");
    s.policy().ifPresent(x -> p.set("policy", rollingUpgradePolicy(x)));
    s.runningStatus().ifPresent(x -> p.set("runningStatus", runningStatus(x)));
    s.progress().ifPresent(x -> p.set("progress", progress(x)));
    s.error().ifPresent(x -> p.set("error", apiError(x)));
    return root;
  }

  ObjectNode historyEntry(UpgradeHistoryEntry h) {
    ObjectNode root = object();
    ObjectNode p = root.putObject("properties");
    h.runningStatus().ifPresent(x -> p.set("runningStatus", runningStatus(x)));
    h.progress().ifPresent(x -> p.set("progress", progress(x)));
    h.error().ifPresent(x -> p.set("error", apiError(x)));
    h.startedBy().ifPresent(x -> p.put("startedBy", x.azureName()));
    h.targetImageReference().ifPresent(x -> p.set("targetImageReference", imageReference(x)));
    h.targetExtension().ifPresent(x -> p.set("targetExtension", targetExtension(x)));
    h.rollbackInfo().ifPresent(x -> p.set("rollbackInfo", rollbackInfo(x)));
    root.put("type", "Microsoft.Compute/virtualMachineScaleSets/rollingUpgrades");
    h.location().ifPresent(x -> root.put("location", x));
    return root;
  }

  ObjectNode targetExtension(TargetExtension x) {
    ObjectNode e = object();
    e.put("name", x.name());
    e.put("publisher", x.publisher());
    e.put("type", x.type());
    e.put("version", x.version());
    e.put("previousVersion", x.previousVersion());
    return e;
  }

  private ObjectNode runningStatus(RunningStatus r) {
    ObjectNode node = object();
    r.code().ifPresent(x -> node.put("code", x.azureName()));
    r.startTime().ifPresent(x -> node.put("startTime", x.toString()));
    r.lastAction().ifPresent(x -> node.put("lastAction", x.azureName()));
    r.lastActionTime().ifPresent(x -> node.put("lastActionTime", x.toString()));
    r.endTime().ifPresent(x -> node.put("endTime", x.toString()));
    return node;
  }

  private ObjectNode progress(RollingUpgradeProgress p) {
    ObjectNode node = object();
    node.put("successfulInstanceCount", p.successfulInstanceCount());
    node.put("failedInstanceCount", p.failedInstanceCount());
    node.put("inProgressInstanceCount", p.inProgressInstanceCount());
    node.put("pendingInstanceCount", p.pendingInstanceCount());
    return node;
  }

  private ObjectNode rollbackInfo(RollbackInfo r) {
    ObjectNode node = object();
    node.put("successfullyRolledbackInstanceCount", r.successfullyRolledbackInstanceCount());
    node.put("failedRolledbackInstanceCount", r.failedRolledbackInstanceCount());
    r.rollbackError().ifPresent(e -> node.set("rollbackError", apiError(e)));
    return node;
  }

  private ObjectNode apiError(ApiError e) {
    ObjectNode node = object();
    putIfPresent(node, "code", e.code());
    putIfPresent(node, "target", e.target());
    putIfPresent(node, "message", e.message());
    ArrayNode details = node.putArray("details");
    for (ApiErrorDetail d : e.details()) {
      ObjectNode dn = details.addObject();
      putIfPresent(dn, "code", d.code());
      putIfPresent(dn, "target", d.target());
      putIfPresent(dn, "message", d.message());
    }
    return node;
  }

  private static void putIfPresent(ObjectNode node, String field, Optional<String> value) {
    value.ifPresent(v -> node.put(field, v));
  }
}
