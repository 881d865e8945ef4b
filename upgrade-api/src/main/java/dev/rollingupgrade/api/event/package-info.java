/** Events of upgrade runs, delivered to {@link dev.rollingupgrade.api.spi.UpgradeListener}s. */
@ModelStyle
package dev.rollingupgrade.api.event;

import dev.rollingupgrade.api.ModelStyle;
