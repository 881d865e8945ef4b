/**
 * Validation errors of the model: {@link dev.rollingupgrade.api.validation.InvalidModelException}
 * lists every {@link dev.rollingupgrade.api.validation.Violation} at once, each with its JSON path.
 */
package dev.rollingupgrade.api.validation;
