/**
 * Batch planning (DESIGN §4): a pure, deterministic {@link dev.rollingupgrade.core.plan.BatchPlanner}
 * that cuts the next batch from live health and projects the whole plan as a dry run, each batch
 * explained.
 */
package dev.rollingupgrade.core.plan;
