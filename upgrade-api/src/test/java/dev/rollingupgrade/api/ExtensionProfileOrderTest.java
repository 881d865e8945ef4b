package dev.rollingupgrade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtensionProfileOrderTest {

  private static Extension ext(String name, String... after) {
    return Extension.builder().name(name).publisher("Contoso").type("T" + name).typeHandlerVersion("1.0")
        .addProvisionAfterExtensions(after).build();
  }

  @Test
  void provisioningOrderPutsDependenciesFirstAndOtherwiseKeepsModelOrder() {
    ExtensionProfile profile = ExtensionProfile.builder()
        .addExtensions(ext("c", "b"), ext("a"), ext("b", "a"), ext("d")).build();
    assertThat(profile.provisioningOrder()).extracting(Extension::name).containsExactly("a", "b", "c", "d");
  }

  @Test
  void unknownDependencyAndDuplicateNamesAreNamedByPath() {
    assertThatThrownBy(() -> ExtensionProfile.builder().addExtensions(ext("a", "zz"), ext("a")).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).extracting(Violation::path).containsExactly(
                "extensions[1].name", "extensions[0].properties.provisionAfterExtensions[0]"));
  }

  @Test
  void cyclesAreRejected() {
    assertThatThrownBy(() -> ExtensionProfile.builder().addExtensions(ext("a", "b"), ext("b", "a"), ext("c")).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).containsExactly(
                new Violation("extensions", "[a, b]", "provisionAfterExtensions must not form a cycle")));
  }

  @Test
  void badVersionAndSelfDependencyAreRejected() {
    assertThatThrownBy(() -> Extension.builder().name("x").publisher("p").type("t").typeHandlerVersion("{v}")
            .addProvisionAfterExtension("x").build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).extracting(Violation::path).containsExactly(
                "properties.typeHandlerVersion", "properties.provisionAfterExtensions[0]"));
  }

  @Test
  void protectedSettingsNeverAppearInToString() {
    Extension e = Extension.builder().name("x").publisher("p").type("t").typeHandlerVersion("1.0")
        .putSetting("port", 80)
        .protectedSettings(ProtectedSettings.of(Map.of("storageKey", "s3cr3t-value")))
        .build();
    assertThat(e.toString()).doesNotContain("s3cr3t-value").contains("protectedSettings=***").contains("port=80");
    assertThat(e.protectedSettings().reveal()).containsEntry("storageKey", "s3cr3t-value");
  }
}
