package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.spi.ExternalResourceCheck;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a run is built from: its configuration event, its plug-ins, its lease on the store. */
record RunParts(RunEvent.RunStarted settings, String runId, Instant startTime, InstanceDriver driver,
    HealthSignal health, Scheduler scheduler, List<UpgradeListener> listeners, RunJournal journal,
    Optional<ExternalResourceCheck> preflight) {}
