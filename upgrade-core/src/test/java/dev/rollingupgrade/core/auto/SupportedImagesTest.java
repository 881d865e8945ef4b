package dev.rollingupgrade.core.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.core.auto.SupportedImages.PlatformSku;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replaceable list of platform images automatic OS upgrades support. */
class SupportedImagesTest {
  private static ImageReference platform(String publisher, String offer, String sku) {
    return ImageReference.platform(publisher, offer, sku, "latest");
  }

  @Test
  void theDefaultsAreAzuresTable() {
    assertThat(SupportedImages.defaults().skus()).extracting(PlatformSku::toString).containsExactly(
        "Canonical:UbuntuServer:16.04-LTS",
        "Canonical:UbuntuServer:18.04-LTS",
        "OpenLogic:CentOS:7.5",
        "MicrosoftWindowsServer:WindowsServer:2012-R2-Datacenter",
        "MicrosoftWindowsServer:WindowsServer:2016-Datacenter",
        "MicrosoftWindowsServer:WindowsServer:2016-Datacenter-smalldisk",
        "MicrosoftWindowsServer:WindowsServer:2016-Datacenter-with-Containers",
        "MicrosoftWindowsServer:WindowsServer:2019-Datacenter",
        "MicrosoftWindowsServer:WindowsServer:2019-Datacenter-smalldisk",
        "MicrosoftWindowsServer:WindowsServer:2019-Datacenter-with-Containers",
        "MicrosoftWindowsServer:WindowsServer:2019-Datacenter-Core",
        "MicrosoftWindowsServer:WindowsServer:2019-Datacenter-Core-with-Containers",
        "MicrosoftWindowsServer:WindowsServer:2019-Datacenter-gensecond");
    assertThat(SupportedImages.defaults().allowsAll()).isFalse();
  }

  @Test
  void platformImagesAreComparedIgnoringCase() {
    SupportedImages d = SupportedImages.defaults();
    assertThat(d.supports(platform("Canonical", "UbuntuServer", "16.04-LTS"))).isTrue();
    assertThat(d.supports(platform("canonical", "ubuntuserver", "18.04-lts"))).isTrue();
    assertThat(d.supports(platform("MICROSOFTWINDOWSSERVER", "WindowsServer", "2019-datacenter-core"))).isTrue();
    assertThat(d.supports(platform("Canonical", "UbuntuServer", "20.04-LTS"))).isFalse();
    assertThat(d.supports(platform("Canonical", "ubuntu-24_04-lts", "server"))).isFalse();
    assertThat(d.supports(platform("OpenLogic", "CentOS", "7.4"))).isFalse();
    // the publisher, offer and SKU must match together
    assertThat(d.supports(platform("OpenLogic", "UbuntuServer", "18.04-LTS"))).isFalse();
  }

  @Test
  void galleryImagesAreAlwaysSupportedOtherCustomImagesNever() {
    ImageReference gallery = ImageReference.ofId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/web");
    ImageReference shared = ImageReference.builder().sharedGalleryImageId("/SharedGalleries/g/Images/web").build();
    ImageReference managed = ImageReference.ofId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/base");
    ImageReference vhd = ImageReference.ofUri("https://acct.blob.core.windows.net/vhds/os.vhd");
    for (SupportedImages list : List.of(SupportedImages.defaults(), SupportedImages.none())) {
      assertThat(list.supports(gallery)).isTrue();
      assertThat(list.supports(shared)).isTrue();
      assertThat(list.supports(managed)).isFalse();
      assertThat(list.supports(vhd)).isFalse();
    }
    assertThat(SupportedImages.allowAll().supports(vhd)).isFalse();
  }

  @Test
  void withAddsASkuAndLeavesTheOriginalAsItWas() {
    SupportedImages more = SupportedImages.defaults().with("Canonical", "ubuntu-24_04-lts", "server");
    assertThat(more.supports(platform("Canonical", "ubuntu-24_04-lts", "server"))).isTrue();
    assertThat(more.supports(platform("Canonical", "UbuntuServer", "18.04-LTS"))).isTrue();
    assertThat(more.skus()).hasSize(14);
    assertThat(SupportedImages.defaults().supports(platform("Canonical", "ubuntu-24_04-lts", "server"))).isFalse();
    assertThat(SupportedImages.defaults().skus()).hasSize(13);
    // a SKU already listed, in any case, is kept once
    assertThat(more.with("CANONICAL", "UBUNTU-24_04-LTS", "SERVER")).isSameAs(more);
  }

  @Test
  void ofReplacesTheList() {
    SupportedImages mine = SupportedImages.of(List.of(PlatformSku.parse("Contoso:hardened-linux:2024")));
    assertThat(mine.supports(platform("contoso", "Hardened-Linux", "2024"))).isTrue();
    assertThat(mine.supports(platform("Canonical", "UbuntuServer", "18.04-LTS"))).isFalse();
    assertThat(SupportedImages.none().supports(platform("Canonical", "UbuntuServer", "18.04-LTS"))).isFalse();
    assertThat(SupportedImages.allowAll().supports(platform("Anyone", "any", "thing"))).isTrue();
    assertThat(SupportedImages.of(List.of(new PlatformSku("a", "b", "c"), new PlatformSku("A", "B", "C"))).skus())
        .hasSize(1);
    assertThat(SupportedImages.of(List.of(new PlatformSku("a", "b", "c"))))
        .isEqualTo(SupportedImages.none().with("A", "b", "C"))
        .isNotEqualTo(SupportedImages.none());
  }

  @Test
  void aSkuIsThreeNonBlankParts() {
    assertThat(PlatformSku.parse("Canonical:ubuntu-24_04-lts:server"))
        .isEqualTo(new PlatformSku("Canonical", "ubuntu-24_04-lts", "server"));
    for (String bad : List.of("Canonical:ubuntu", "a:b:c:d", "a::c", "", " : : ")) {
      assertThatThrownBy(() -> PlatformSku.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new PlatformSku("a:b", "c", "d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlatformSku(null, "c", "d")).isInstanceOf(IllegalArgumentException.class);
  }
}
