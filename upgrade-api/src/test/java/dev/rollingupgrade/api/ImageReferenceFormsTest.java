package dev.rollingupgrade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import org.junit.jupiter.api.Test;

class ImageReferenceFormsTest {
  private static final String GALLERY =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/web";

  @Test
  void eachFormIsRecognised() {
    assertThat(ImageReference.platform("Canonical", "ubuntu", "server", "latest").form())
        .isEqualTo(ImageReference.Form.PLATFORM);
    assertThat(ImageReference.ofId(GALLERY).form()).isEqualTo(ImageReference.Form.ID);
    assertThat(ImageReference.ofUri("https://x/y.vhd").form()).isEqualTo(ImageReference.Form.UNMANAGED_URI);
    assertThat(ImageReference.builder().sharedGalleryImageId("/SharedGalleries/g/Images/i").build().form())
        .isEqualTo(ImageReference.Form.SHARED_GALLERY);
  }

  @Test
  void followsLatestOnlyForLatestVersionsAndGalleryDefinitions() {
    assertThat(ImageReference.platform("p", "o", "s", "LATEST").followsLatest()).isTrue();
    assertThat(ImageReference.platform("p", "o", "s", "1.2.3").followsLatest()).isFalse();
    assertThat(ImageReference.ofId(GALLERY).followsLatest()).isTrue();
    assertThat(ImageReference.ofId(GALLERY + "/versions/1.0.0").followsLatest()).isFalse();
    assertThat(ImageReference.ofId(GALLERY + "/versions/latest").followsLatest()).isTrue();
    assertThat(ImageReference.ofId("/subscriptions/s/providers/Microsoft.Compute/images/m").followsLatest()).isFalse();
    assertThat(ImageReference.ofUri("https://x/y.vhd").followsLatest()).isFalse();
  }

  @Test
  void twoFormsAreRejected() {
    assertThatThrownBy(() -> ImageReference.builder().publisher("p").offer("o").sku("s").version("latest")
            .id(GALLERY).build())
        .isInstanceOfSatisfying(InvalidModelException.class, e -> {
          assertThat(e.violations()).hasSize(1);
          assertThat(e.violations().get(0).path()).isEmpty();
          assertThat(e.violations().get(0).message()).contains("exactly one image form, found 2");
        });
  }

  @Test
  void noFormIsRejected() {
    assertThatThrownBy(() -> ImageReference.builder().build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations().get(0).message()).startsWith("needs exactly one image form"));
  }

  @Test
  void incompletePlatformImageNamesEachMissingPart() {
    assertThatThrownBy(() -> ImageReference.builder().publisher("Canonical").version("1.2").build())
        .isInstanceOfSatisfying(InvalidModelException.class, e ->
            assertThat(e.violations()).containsExactly(
                new Violation("offer", "null", "must not be blank"),
                new Violation("sku", "null", "must not be blank"),
                new Violation("version", "\"1.2\"", "must be 'latest' or major.minor.build such as 22.04.202401010")));
  }
}
