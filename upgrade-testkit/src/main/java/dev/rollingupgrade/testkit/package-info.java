/**
 * What users of the SDK test their own code with: jqwik arbitraries for the model (this
 * package), and, as they land, virtual time, a scriptable fake fleet and invariant checkers.
 */
package dev.rollingupgrade.testkit;
