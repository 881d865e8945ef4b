/** Real time for production: {@link dev.rollingupgrade.core.time.SystemScheduler}. */
package dev.rollingupgrade.core.time;
