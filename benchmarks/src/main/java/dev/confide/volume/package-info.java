/**
 * JMH benchmarks of the file shield. They live in the library's package to reach its
 * package-private codec; they are never part of a shipped jar and must never be called by
 * production code. Run them as docs/benchmarks.md says.
 */
package dev.confide.volume;
