package dev.rollingupgrade.core.auto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.status.TargetExtension;
import dev.rollingupgrade.core.json.AzureJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * What a rollout member's run changes: the OS image, or one extension's version under the batch
 * rules of its kind of group. Journalled with the rollout (never with settings: they may be secret).
 */
record MemberTarget(Optional<ImageReference> image, Optional<TargetExtension> extension,
    Optional<RollingUpgradePolicy> policy) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static MemberTarget image(ImageReference image) {
    return new MemberTarget(Optional.of(image), Optional.empty(), Optional.empty());
  }

  static MemberTarget extension(TargetExtension extension, RollingUpgradePolicy policy) {
    return new MemberTarget(Optional.empty(), Optional.of(extension), Optional.of(policy));
  }

  /** The exact version the member goes to (none for an image reference without one). */
  Optional<String> version() {
    return extension.map(TargetExtension::version).or(() -> image.flatMap(ImageVersions::versionOf));
  }

  /** The release, for messages: the image, or {@code publisher/type version}. */
  String display() {
    return extension.map(x -> x.publisher() + "/" + x.type() + " " + x.version())
        .orElseGet(() -> image.orElseThrow().display());
  }

  /** The journal's text: {@code {"image": ...}} or {@code {"extension": ..., "policy": ...}}. */
  String write() {
    ObjectNode node = MAPPER.createObjectNode();
    try {
      if (image.isPresent()) {
        node.set("image", MAPPER.readTree(AzureJson.write(image.get())));
      } else {
        node.set("extension", MAPPER.readTree(AzureJson.write(extension.orElseThrow())));
        node.set("policy", MAPPER.readTree(AzureJson.write(policy.orElseThrow())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the SDK's own JSON is always readable", e);
    }
    return node.toString();
  }

  /** Reads {@link #write()}'s text, or a bare image reference (journals written before extension rollouts). */
  static MemberTarget read(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("a rollout target in the journal is not JSON: " + e.getMessage(), e);
    }
    if (node.has("extension")) {
      return extension(AzureJson.readTargetExtension(node.get("extension").toString()),
          AzureJson.readRollingUpgradePolicy(node.get("policy").toString()));
    }
    return image(AzureJson.readImageReference(node.has("image") ? node.get("image").toString() : json));
  }
}
