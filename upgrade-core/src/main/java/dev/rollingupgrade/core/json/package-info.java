/**
 * The Azure REST JSON shape of the model, status and history:
 * {@link dev.rollingupgrade.core.json.AzureJson} reads (strictly, reporting every problem with
 * its path) and writes (secrets masked unless asked for).
 */
package dev.rollingupgrade.core.json;
