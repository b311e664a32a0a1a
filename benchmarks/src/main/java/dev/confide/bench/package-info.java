/**
 * End-to-end load tools driven by the scripts in {@code bench/}: they measure running services
 * from outside, as users meet them, and print figures for docs/benchmarks.md.
 *
 * <p>Nothing here is used by the product; nothing here may weaken a check to go faster.
 */
package dev.confide.bench;
