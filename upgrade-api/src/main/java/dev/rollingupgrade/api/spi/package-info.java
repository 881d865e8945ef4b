/**
 * Service provider interfaces: what a user of the SDK implements or plugs in to connect it to
 * real machines and infrastructure. {@link dev.rollingupgrade.api.spi.InstanceDriver} touches
 * machines, {@link dev.rollingupgrade.api.spi.HealthSignal} reports health,
 * {@link dev.rollingupgrade.api.spi.ImageCatalog} and {@link dev.rollingupgrade.api.spi.ExtensionCatalog}
 * list published versions, {@link dev.rollingupgrade.api.spi.RolloutStore} records runs,
 * {@link dev.rollingupgrade.api.spi.UpgradeListener} observes them and
 * {@link dev.rollingupgrade.api.spi.Scheduler} is the only source of time.
 *
 * <p>All calls that may take time are asynchronous ({@link java.util.concurrent.CompletionStage});
 * an implementation reports failures by completing the stage exceptionally, never by throwing.
 */
@ModelStyle
package dev.rollingupgrade.api.spi;

import dev.rollingupgrade.api.ModelStyle;
