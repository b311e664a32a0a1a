/**
 * What the tests of several modules share: copying and removing trees as a host operator would
 * (links kept as links), and listing a test's own private directories in a memory file system.
 * Depends on the JDK only, so that every module's tests may use it; used in test scope only, it
 * must never be a dependency of a main class path.
 */
package dev.confide.testing;
