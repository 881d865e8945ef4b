package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code validate} preflight as a user runs it: output lines and exit codes. */
class ValidateCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  private Path file(String content) throws IOException {
    Path f = dir.resolve("scale-set.json");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void theBundledExampleIsValidAndItsBehaviourIsSummarised() {
    // its image is newer than Azure's published list of supported images: the option adds it
    int code = run("validate", "--supported-image", "Canonical:ubuntu-24_04-lts:server",
        Path.of("examples/rolling-scale-set.json").toString());
    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("ok: scale set web-vmss in westeurope, mode Rolling, batch cap 4 of 20 instances")
        .contains("health source: application health extension health");
  }

  @Test
  void everyProblemIsOneLineWithItsPathAndExitIsOne() throws IOException {
    String json = Files.readString(Path.of("examples/rolling-scale-set.json"))
        .replace("\"pauseTimeBetweenBatches\": \"PT0S\"", "\"pauseTimeBetweenBatches\": \"aaaaaaaaaaaaaaa\"")
        .replace("\"maxBatchInstancePercent\": 20", "\"maxBatchInstancePercent\": 101")
        .replace("\"not-a-real-key\"", "42");
    int code = run("validate", file(json).toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines()).containsExactly(
        "properties.upgradePolicy.rollingUpgradePolicy.maxBatchInstancePercent: must be between 5 and 100 (got 101)",
        "properties.upgradePolicy.rollingUpgradePolicy.pauseTimeBetweenBatches: must be an ISO-8601 duration such as PT0S, PT30S or PT5M (got \"aaaaaaaaaaaaaaa\")",
        "2 problems in " + dir.resolve("scale-set.json"));
  }

  @Test
  void aPlatformImageOffTheSupportedListIsAProblem() {
    int code = run("validate", Path.of("examples/rolling-scale-set.json").toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString().lines()).hasSize(2);
    assertThat(out.toString().lines().findFirst().orElseThrow())
        .startsWith("properties.virtualMachineProfile.storageProfile.imageReference: platform image "
            + "Canonical:ubuntu-24_04-lts:server is not supported by automatic OS upgrades")
        .contains("replaceable")
        .endsWith("(got Canonical:ubuntu-24_04-lts:server:latest)");
    assertThat(out.toString().lines().skip(1)).containsExactly("1 problem in examples/rolling-scale-set.json");
  }

  @Test
  void supportedImagesAddToTheDefaultsAndAreRepeatable() throws IOException {
    String json = Files.readString(Path.of("examples/rolling-scale-set.json"))
        .replace("\"offer\": \"ubuntu-24_04-lts\"", "\"offer\": \"UbuntuServer\"")
        .replace("\"sku\": \"server\"", "\"sku\": \"18.04-LTS\"");
    Path bionic = file(json);
    assertThat(run("validate", bionic.toString())).isZero();
    assertThat(run("validate", "--supported-image", "Contoso:hardened:1", "--supported-image", "canonical:UBUNTU-24_04-LTS:server",
        Path.of("examples/rolling-scale-set.json").toString())).isZero();
    assertThat(run("validate", "--supported-image", "Contoso:hardened:1",
        Path.of("examples/rolling-scale-set.json").toString())).isEqualTo(1);
  }

  @Test
  void anExtensionOptedInToAutomaticUpgradeMustSupportItAndTheListExtends() throws IOException {
    String json = Files.readString(Path.of("examples/rolling-scale-set.json"))
        .replace("\"offer\": \"ubuntu-24_04-lts\"", "\"offer\": \"UbuntuServer\"")
        .replace("\"sku\": \"server\"", "\"sku\": \"18.04-LTS\"")
        .replace("\"extensions\": [", """
            "extensions": [{"name": "script", "properties": {"publisher": "Microsoft.Azure.Extensions",
              "type": "CustomScript", "typeHandlerVersion": "2.1", "enableAutomaticUpgrade": true}},""");
    Path f = file(json);
    assertThat(run("validate", f.toString())).isEqualTo(1);
    assertThat(out.toString().lines().findFirst().orElseThrow()).startsWith(
        "properties.virtualMachineProfile.extensionProfile.extensions[0].properties.enableAutomaticUpgrade: extension "
            + "script (Microsoft.Azure.Extensions/CustomScript) does not support automatic upgrade");
    out.getBuffer().setLength(0);
    assertThat(run("validate", "--supported-extension", "Microsoft.Azure.Extensions:CustomScript", f.toString())).isZero();
    assertThat(out.toString()).contains("automatic extension upgrade on for script");
    assertThat(run("validate", "--supported-extension", "CustomScript", f.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("PUBLISHER:TYPE");
  }

  @Test
  void aMalformedSupportedImageIsBadUsage() {
    assertThat(run("validate", "--supported-image", "Canonical:server", "examples/rolling-scale-set.json")).isEqualTo(2);
    assertThat(err.toString()).contains("--supported-image").contains("PUBLISHER:OFFER:SKU");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aServiceFabricSetShowsItsDurability() throws IOException {
    String sf = """
        {"name": "sf-nt1", "location": "westeurope", "sku": {"capacity": 5},
         "properties": {
           "upgradePolicy": {"mode": "Automatic", "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}},
           "virtualMachineProfile": {
             "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                                   "sku": "2019-Datacenter", "version": "latest"}},
             "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": false}},
             "extensionProfile": {"extensions": [{"name": "sf", "properties": {
               "publisher": "Microsoft.Azure.ServiceFabric", "type": "ServiceFabricNode", "typeHandlerVersion": "1.1",
               "settings": {"durabilityLevel": "Silver"}}}]}},
           "serviceFabricNodeType": {"durabilityLevel": "Silver", "isStateless": false}}}
        """;
    assertThat(run("validate", file(sf).toString())).isZero();
    assertThat(out.toString()).startsWith("ok: scale set sf-nt1").contains("health source: none")
        .endsWith(", Service Fabric durability Silver (stateful node type)\n");
  }

  @Test
  void aServiceFabricSetBreakingSeveralRulesListsThemAll() throws IOException {
    String sf = """
        {"name": "sf-nt1", "location": "westeurope",
         "properties": {
           "upgradePolicy": {"mode": "Automatic", "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}},
           "virtualMachineProfile": {
             "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
                                                   "sku": "2019-Datacenter", "version": "latest"}},
             "extensionProfile": {"extensions": [{"name": "sf", "properties": {
               "publisher": "Microsoft.Azure.ServiceFabric", "type": "ServiceFabricNode", "typeHandlerVersion": "1.0",
               "settings": {"durabilityLevel": "Gold"}}}]}},
           "serviceFabricNodeType": {"durabilityLevel": "Bronze"}}}
        """;
    assertThat(run("validate", file(sf).toString())).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.subList(0, 4)).extracting(l -> l.substring(0, l.indexOf(": "))).containsExactly(
        "properties.serviceFabricNodeType.durabilityLevel",
        "properties.virtualMachineProfile.extensionProfile.extensions[0].properties.settings.durabilityLevel",
        "properties.virtualMachineProfile.extensionProfile.extensions[0].properties.typeHandlerVersion",
        "properties.virtualMachineProfile.osProfile.windowsConfiguration.enableAutomaticUpdates");
    assertThat(lines.get(4)).isEqualTo("4 problems in " + dir.resolve("scale-set.json"));
  }

  @Test
  void malformedJsonExitsTwoWithLineAndColumn() throws IOException {
    int code = run("validate", file("{\n  \"name\": \"x\",\n  oops\n}").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("not valid JSON at line 3, column 3");
  }

  @Test
  void aMissingFileExitsTwo() {
    int code = run("validate", dir.resolve("nope.json").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read").contains("no such file");
  }

  @Test
  void aFileThatIsNotUtf8ExitsTwoAndSaysSo() throws IOException {
    Path f = dir.resolve("latin1.json");
    Files.write(f, new byte[] {'{', '"', 'n', (byte) 0xE9, '"', '}'});
    assertThat(run("validate", f.toString())).isEqualTo(2);
    assertThat(run("plan", "--rollout", f.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("not UTF-8 text").doesNotContain("Input length");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("validate");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run("validate")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter");
  }
}
