package dev.rollingupgrade.testkit.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ProtectedSettings;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.api.validation.Violation;
import dev.rollingupgrade.core.mode.ModelChange;
import dev.rollingupgrade.core.mode.ModelUpdate;
import dev.rollingupgrade.core.mode.ModelUpgrades;
import dev.rollingupgrade.core.mode.OsUpdate;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The four kinds of OS update of the seed article through the model update (DESIGN §8): three
 * roll out, in-guest patching is refused; and what a model update may not change, each refusal
 * naming its field and storing nothing.
 */
class FourKindsOfOsUpdateTest {
  private static final String IMAGE = "properties.virtualMachineProfile.storageProfile.imageReference";
  private static final String MANAGED_V1 =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/app-v1";
  private static final String MANAGED_V2 =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/app-v2";
  private static final String VHD_V1 = "https://store.blob.core.windows.net/vhds/app-v1.vhd";
  private static final String VHD_V2 = "https://store.blob.core.windows.net/vhds/app-v2.vhd";

  private final RolloutTestEnvironment env = RolloutTestEnvironment.builder().instances(6).zones(1).updateDomains(3)
      .build();

  private static <T> T done(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private ScaleSet withImage(ImageReference image) {
    ScaleSet set = env.currentModel(UpgradeMode.ROLLING);
    return ScaleSet.builder().from(set).virtualMachineProfile(VirtualMachineProfile.builder()
        .from(set.virtualMachineProfile()).imageReference(image).build()).build();
  }

  /** Rolls {@code update} out on a Rolling set whose instances run {@code from}; returns the image they end on. */
  private ImageReference rollOut(ImageReference from, OsUpdate update) {
    env.fleet().instances().forEach(i -> i.runs(from));
    ModelUpgrades vmss = env.modelUpgrades(withImage(from));
    ModelUpdate result = done(vmss.updateModel(update));
    env.runUntilDone();
    assertThat(result.run()).isPresent();
    assertThat(env.fleet().instances()).extracting(FakeInstance::image).containsOnly(
        done(vmss.model()).virtualMachineProfile().imageReference());
    return env.fleet().instance("0").image();
  }

  @Test
  void aPlatformVersionChangeRollsOut() {
    ImageReference now = rollOut(env.currentImage(), OsUpdate.platformVersion("24.04.202411010"));
    assertThat(now.version()).contains("24.04.202411010");
    assertThat(now.sku()).isEqualTo(env.currentImage().sku());
  }

  @Test
  void aPlatformSkuChangeRollsOut() {
    ImageReference now = rollOut(env.currentImage(), OsUpdate.platformSku("server-arm64", "latest"));
    assertThat(now.sku()).contains("server-arm64");
    assertThat(now.version()).contains("latest");
    assertThat(now.offer()).isEqualTo(env.currentImage().offer());
  }

  @Test
  void anUnmanagedCustomImageUriChangeRollsOut() {
    assertThat(rollOut(ImageReference.ofUri(VHD_V1), OsUpdate.customImageUri(VHD_V2)).uri()).contains(VHD_V2);
  }

  @Test
  void aManagedImageReferenceChangeRollsOut() {
    assertThat(rollOut(ImageReference.ofId(MANAGED_V1), OsUpdate.managedImage(MANAGED_V2)).id()).contains(MANAGED_V2);
  }

  @Test
  void inGuestPatchingIsRefusedWithWhatToUseInstead() {
    ModelUpgrades vmss = env.modelUpgrades(env.currentModel(UpgradeMode.ROLLING));
    Violation v = refused(vmss, OsUpdate.inGuestPatching()::applyTo);
    assertThat(v.path()).isEqualTo("properties.virtualMachineProfile.osProfile");
    assertThat(v.message()).contains("not this library's job").contains("Azure Update Manager")
        .contains("patchMode AutomaticByPlatform");
  }

  @Test
  void anUpdateOfAnotherImageFormIsRefusedNamingTheField() {
    ModelUpgrades vmss = env.modelUpgrades(env.currentModel(UpgradeMode.ROLLING));
    Violation v = refused(vmss, OsUpdate.customImageUri(VHD_V2)::applyTo);
    assertThat(v.path()).isEqualTo("properties.virtualMachineProfile.storageProfile.osDisk.image.uri");
    assertThat(v.message()).contains("custom image URI").contains("keeps its image form");
    assertThat(refused(vmss, OsUpdate.managedImage(MANAGED_V2)::applyTo).path()).isEqualTo(IMAGE + ".id");
  }

  @Test
  void aPublisherOrOfferChangeIsRefusedNamingEachField() {
    ModelUpgrades vmss = env.modelUpgrades(env.currentModel(UpgradeMode.ROLLING));
    InvalidModelException e = refusal(vmss, set -> withImage(ImageReference.platform("MicrosoftWindowsServer",
        "WindowsServer", "2022-datacenter", "latest")));
    assertThat(e.violations()).extracting(Violation::path).containsExactly(IMAGE + ".publisher", IMAGE + ".offer");
    assertThat(e.violations().get(0).message()).contains("cannot change its image's publisher (it is Canonical)");
  }

  @Test
  void aSwitchBetweenImageFormsIsRefused() {
    ModelUpgrades vmss = env.modelUpgrades(env.currentModel(UpgradeMode.ROLLING));
    Violation v = refused(vmss, set -> withImage(ImageReference.ofId(MANAGED_V2)));
    assertThat(v.path()).isEqualTo(IMAGE);
    assertThat(v.message()).contains("cannot switch its image from a platform image").contains("to a managed image id");
    Violation toUri = refused(vmss, set -> withImage(ImageReference.ofUri(VHD_V2)));
    assertThat(toUri.path()).isEqualTo("properties.virtualMachineProfile.storageProfile.osDisk.image.uri");
  }

  @Test
  void aRenameOrAMoveIsRefused() {
    ScaleSet set = env.currentModel(UpgradeMode.MANUAL);
    ScaleSet moved = ScaleSet.builder().from(set).name("other").location("eastus").build();
    assertThatThrownBy(() -> ModelChange.between(set, moved)).isInstanceOf(InvalidModelException.class)
        .satisfies(e -> assertThat(((InvalidModelException) e).violations()).extracting(Violation::path)
            .containsExactly("name", "location"));
  }

  @Test
  void aSasTokenInACustomImageUriIsNeverShown() {
    String sas = "?sv=2024-01-01&sig=SECRET-SIGNATURE";
    ScaleSet before = withImage(ImageReference.ofUri(VHD_V1 + sas));
    OsUpdate update = OsUpdate.customImageUri(VHD_V2 + sas);
    ModelChange change = ModelChange.between(before, update.applyTo(before));
    assertThat(change.changes()).containsExactly(
        "properties.virtualMachineProfile.storageProfile.osDisk.image.uri: " + VHD_V1 + "?*** -> " + VHD_V2 + "?***");
    assertThat(update.describe()).isEqualTo("custom image URI " + VHD_V2 + "?***");
    assertThat(ImageReference.ofUri(VHD_V2 + sas).display()).isEqualTo(VHD_V2 + "?***");
    assertThat(update.applyTo(before).virtualMachineProfile().imageReference().uri()).contains(VHD_V2 + sas);
  }

  @Test
  void changedExtensionsAreListedWithoutTheirSecrets() {
    Extension v1 = Extension.builder().name("agent").publisher("Contoso").type("Agent").typeHandlerVersion("1.0")
        .protectedSettings(ProtectedSettings.of(Map.of("token", "s3cret-1"))).build();
    Extension v2 = Extension.builder().from(v1).typeHandlerVersion("1.1").protectedSettings(ProtectedSettings.of(Map.of("token", "s3cret-2")))
        .build();
    ScaleSet set = env.currentModel(UpgradeMode.MANUAL);
    ModelChange change = ModelChange.between(withExtension(set, v1), withExtension(set, v2));
    assertThat(change.changes()).containsExactly("properties.virtualMachineProfile.extensionProfile.extensions[agent]: "
        + "typeHandlerVersion 1.0 -> 1.1, protectedSettings changed");
    assertThat(change.toString()).doesNotContain("s3cret");
    assertThat(change.reachesInstances()).isTrue();
  }

  private static ScaleSet withExtension(ScaleSet set, Extension e) {
    return ScaleSet.builder().from(set).virtualMachineProfile(VirtualMachineProfile.builder()
        .from(set.virtualMachineProfile()).extensionProfile(ExtensionProfile.builder().addExtensions(e).build()).build()).build();
  }

  /** The refusal's only violation; checks that nothing was stored or touched. */
  private Violation refused(ModelUpgrades vmss, UnaryOperator<ScaleSet> change) {
    InvalidModelException e = refusal(vmss, change);
    assertThat(e.violations()).hasSize(1);
    return e.violations().get(0);
  }

  private InvalidModelException refusal(ModelUpgrades vmss, UnaryOperator<ScaleSet> change) {
    ScaleSet before = done(vmss.model());
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> done(vmss.updateModel(change)));
    assertThat(thrown).isInstanceOf(CompletionException.class).cause().isInstanceOf(InvalidModelException.class);
    assertThat(done(vmss.model())).as("nothing stored").isEqualTo(before);
    assertThat(env.fleet().stateChangingCalls()).isEmpty();
    assertThat(vmss.currentRun()).isEmpty();
    return (InvalidModelException) thrown.getCause();
  }
}
