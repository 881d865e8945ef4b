/** A fake of many scale sets in many regions, with an image catalog, for rollouts across regions. */
package dev.rollingupgrade.testkit.cloud;
