package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.RollingUpgradePolicy;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeHistoryEntry;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.api.validation.InvalidModelException;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The README's code example, kept compiling and true (with the testkit's fleet and virtual time). */
class ReadmeExampleTest {
  @Test
  void theReadmeExampleWorks() {
    VirtualScheduler scheduler = VirtualScheduler.create(); // the README uses SystemScheduler
    FakeFleet myDriver = FakeFleet.builder(scheduler).scaleSetName("web-vmss").instances(20).zones(2).build();
    FakeFleet myHealthSignal = myDriver;
    AtomicReference<String> printed = new AtomicReference<>();

    ScaleSet set = AzureJson.readScaleSet(Path.of("examples/rolling-scale-set.json"));
    RollingUpgradeRun run = RollingUpgrade.of(set)
        .driver(myDriver).health(myHealthSignal)
        .scheduler(scheduler)
        .targetImage(ImageReference.platform("Canonical", "ubuntu-24_04-lts", "server", "24.04.202410010"))
        .startedBy(UpgradeOperationInvoker.PLATFORM)
        .start();
    run.status();
    run.completion().thenAccept(h -> printed.set(AzureJson.writeHistory(List.of(h))));

    scheduler.runUntilIdle();
    UpgradeHistoryEntry end = AzureJson.readHistory(printed.get()).get(0);
    assertThat(end.runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    assertThat(end.progress().orElseThrow().successfulInstanceCount()).isEqualTo(20);
    assertThatThrownBy(() -> RollingUpgradePolicy.builder().maxBatchInstancePercent(1).build())
        .isInstanceOf(InvalidModelException.class);
  }
}
