/**
 * The web dashboard of the {@code dashboard} command: {@link
 * dev.rollingupgrade.samples.dashboard.DashboardServer} serves a live heat map page and a JSON API
 * over what a {@link dev.rollingupgrade.samples.dashboard.DashboardBackend} says and does; {@link
 * dev.rollingupgrade.samples.dashboard.DemoBackend} is the simulated scale set of {@code --demo}.
 * See docs/dashboard.md.
 */
package dev.rollingupgrade.samples.dashboard;
