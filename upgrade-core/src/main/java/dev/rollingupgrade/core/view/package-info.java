/**
 * Views of a scale set for people and dashboards: {@link dev.rollingupgrade.core.view.HeatMap}
 * shows every instance as one cell in the row of its update domain, with its
 * {@link dev.rollingupgrade.core.view.CellState}, as plain or coloured text and as JSON. A run
 * gives one at any moment ({@code RollingUpgradeRun.heatMap()}).
 */
package dev.rollingupgrade.core.view;
