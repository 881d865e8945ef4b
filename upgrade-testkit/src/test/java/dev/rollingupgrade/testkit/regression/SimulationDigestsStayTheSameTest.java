package dev.rollingupgrade.testkit.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.testkit.sim.Simulation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The redesign of the run engine changes how a run is built, not what it does: these digests
 * were recorded with the engine before the redesign (commit b635cf3) and every one must stay
 * identical. A digest covers the final status and the ordered upgrades and rollbacks.
 */
class SimulationDigestsStayTheSameTest {
  static Stream<Arguments> recorded() {
    return Stream.of(
        // instances, zones, UDs, seed, fault rate, crash after batch, strict policy, digest, history digest
        Arguments.of(20, 2, 5, 1L, 0.0, 0, false, "3309db21e9c66b6dc9dddd16f890251fae0f87ab2830f64bbea4477ebd8a87f1",
            "cd596ca91c379b10a15cc9b2e6281a9dc4365db33fffc07a18b387cd85ce1f81"),
        Arguments.of(100, 3, 5, 42L, 0.0, 0, false, "c5bf96f3283a066b7d5e40efc01e3ada5fb7c2dade29f27a76dff3180262e2fe",
            "1756977aecb0a5db9a4ff90beb3e238aebb66ec55b91c918ed1ebd7041a1d6a9"),
        Arguments.of(100, 3, 5, 42L, 0.05, 0, false, "f5e860c1307564563ec08f1543fd8dee55684c6eb58a400a0b1bb14a68f711cb",
            "2e2f43b5f5ad23868ff63862098688f6aa93f9a73f9715e9a43ee88233a9c565"),
        Arguments.of(300, 3, 5, 7L, 0.02, 0, false, "dc31bfb8447799f09d1b697fe8762ff609ac68f9de28372e35b7744635376bbd",
            "c5426f37e59c7561c664ad444b1d0863cea84bea25e0e78a8974c8f327769268"),
        Arguments.of(300, 3, 5, 7L, 0.02, 3, false, "dc31bfb8447799f09d1b697fe8762ff609ac68f9de28372e35b7744635376bbd",
            "c5426f37e59c7561c664ad444b1d0863cea84bea25e0e78a8974c8f327769268"),
        Arguments.of(300, 3, 5, 7L, 0.02, 14, false, "dc31bfb8447799f09d1b697fe8762ff609ac68f9de28372e35b7744635376bbd",
            "c5426f37e59c7561c664ad444b1d0863cea84bea25e0e78a8974c8f327769268"),
        Arguments.of(50, 1, 3, 5L, 0.3, 0, false, "4544ef6041fd3e35fca12b81f8733a32c898e691d578a143e85cd6f4c2f6e5cb",
            "364ef4a7629c434bf2cf5c02e3bb7e20478f67912460e810b9975506b642b936"),
        Arguments.of(50, 2, 4, 9L, 0.1, 0, true, "d4f253d19895028348d6865f1d17234de7fd7b625cadfcfac456c6d6f2b1775c",
            "84ceff18608f7f1a015983c7ffa7e19e76b0b71ede6f853aabc8963e1a3c18cc"),
        Arguments.of(50, 2, 4, 9L, 0.1, 2, true, "d4f253d19895028348d6865f1d17234de7fd7b625cadfcfac456c6d6f2b1775c",
            "84ceff18608f7f1a015983c7ffa7e19e76b0b71ede6f853aabc8963e1a3c18cc"),
        Arguments.of(1000, 3, 20, 3L, 0.01, 5, false, "cd612ae4b1d857fc002f5991f462de2267c2d89960ae831208f454aa454589b2",
            "6082524f3b70bf342847bb4801092f6e63b1c12345d84197464df6a3b5473a38"));
  }

  @ParameterizedTest
  @MethodSource("recorded")
  void theDigestIsTheOneRecordedBeforeTheRedesign(int instances, int zones, int uds, long seed, double faultRate,
      int crashAfterBatch, boolean strict, String digest, String historyDigest) {
    Simulation.Builder b = Simulation.builder().instances(instances).zones(zones).updateDomains(uds).seed(seed)
        .faultRate(faultRate).crashAfterBatch(crashAfterBatch);
    if (strict) {
      // a stricter policy that breaches and rolls back on breach
      b.policy(RollingUpgradePolicy.builder().maxBatchInstancePercent(30).maxUnhealthyUpgradedInstancePercent(5)
          .rollbackFailedInstancesOnPolicyBreach(true).build());
    }
    Simulation.Result r = b.build().run();
    assertThat(r.violations()).isEmpty();
    assertThat(r.digest()).isEqualTo(digest);
    assertThat(sha(AzureJson.write(r.history()))).as("history entry").isEqualTo(historyDigest);
  }

  private static String sha(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
