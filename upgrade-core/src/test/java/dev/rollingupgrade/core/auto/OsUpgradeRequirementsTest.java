package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.AutomaticOSUpgradePolicy;
import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import org.junit.jupiter.api.Test;

/** The supported-image requirement, checked against the list the caller passes. */
class OsUpgradeRequirementsTest {
  private static final Extension HEALTH = Extension.builder().name("health")
      .publisher("Microsoft.ManagedServices").type("ApplicationHealthLinux").typeHandlerVersion("2.0").build();

  private static ScaleSet set(ImageReference image, boolean automaticOs) {
    return ScaleSet.builder().name("web").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(image)
            .extensionProfile(ExtensionProfile.builder().addExtension(HEALTH).build()).build())
        .upgradePolicy(UpgradePolicy.builder().automaticOSUpgradePolicy(
            AutomaticOSUpgradePolicy.builder().enableAutomaticOSUpgrade(automaticOs).build()).build())
        .build();
  }

  private static final ScaleSet NOBLE = set(ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "latest"), true);

  @Test
  void anUnsupportedPlatformImageIsReportedWithItsPath() {
    assertThat(OsUpgradeRequirements.check(NOBLE, SupportedImages.defaults())).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo("properties.virtualMachineProfile.storageProfile.imageReference");
      assertThat(v.value()).isEqualTo("Canonical:ubuntu-24_04-lts:server:latest");
      assertThat(v.message()).startsWith("platform image Canonical:ubuntu-24_04-lts:server is not supported")
          .contains("replaceable").contains("SupportedImages");
    });
  }

  @Test
  void aSupportedPlatformImagePasses() {
    ScaleSet bionic = set(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest"), true);
    assertThat(OsUpgradeRequirements.check(bionic, SupportedImages.defaults())).isEmpty();
  }

  @Test
  void aUserAddedSkuPassesWithTheReplacedListAndFailsWithTheDefaults() {
    SupportedImages mine = SupportedImages.defaults().with("Canonical", "ubuntu-24_04-lts", "server");
    assertThat(OsUpgradeRequirements.check(NOBLE, mine)).isEmpty();
    assertThat(OsUpgradeRequirements.check(NOBLE, SupportedImages.defaults())).hasSize(1);
    assertThat(OsUpgradeRequirements.check(NOBLE, SupportedImages.allowAll())).isEmpty();
    ScaleSet bionic = set(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "latest"), true);
    assertThat(OsUpgradeRequirements.check(bionic, SupportedImages.none().with("Canonical", "ubuntu-24_04-lts", "server")))
        .extracting(Violation::path).containsExactly(OsUpgradeRequirements.IMAGE_PATH);
  }

  @Test
  void sharedAndCommunityGalleryImagesAreRefusedWithTheirPath() {
    ImageReference shared = ImageReference.builder()
        .sharedGalleryImageId("/SharedGalleries/abc/Images/web/Versions/latest").build();
    ImageReference community = ImageReference.builder()
        .communityGalleryImageId("/CommunityGalleries/pub/Images/web/Versions/latest").build();
    assertThat(OsUpgradeRequirements.check(set(shared, true), SupportedImages.allowAll())).singleElement()
        .satisfies(v -> {
          assertThat(v.path()).isEqualTo("properties.virtualMachineProfile.storageProfile.imageReference");
          assertThat(v.message()).contains("shared gallery images are not supported", "imageReference.id");
        });
    assertThat(OsUpgradeRequirements.check(set(community, true), SupportedImages.allowAll())).singleElement()
        .satisfies(v -> assertThat(v.message()).contains("community gallery images"));
  }

  @Test
  void nothingIsRequiredWithoutAutomaticOsUpgrades() {
    ScaleSet manual = set(ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202410010"), false);
    assertThat(OsUpgradeRequirements.check(manual, SupportedImages.defaults())).isEmpty();
    assertThat(OsUpgradeRequirements.check(manual, SupportedImages.none())).isEmpty();
  }

  @Test
  void galleryImagesNeedNoListEntry() {
    ScaleSet gallery = set(ImageReference.ofId(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/web"), true);
    assertThat(OsUpgradeRequirements.check(gallery, SupportedImages.none())).isEmpty();
  }

  @Test
  void requireThrowsEveryViolationAndPassesAValidSet() {
    assertThatThrownBy(() -> OsUpgradeRequirements.require(NOBLE, SupportedImages.defaults()))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.violations())
            .isEqualTo(OsUpgradeRequirements.check(NOBLE, SupportedImages.defaults())))
        .hasMessageContaining("properties.virtualMachineProfile.storageProfile.imageReference: platform image");
    assertThatCode(() -> OsUpgradeRequirements.require(NOBLE, SupportedImages.defaults().with("canonical", "UBUNTU-24_04-LTS", "Server")))
        .doesNotThrowAnyException();
  }
}
