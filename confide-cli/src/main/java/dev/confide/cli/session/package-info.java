/**
 * {@code confide session ...}: create, update, show, hash and verify session documents at a CAS.
 * Validation and hashing belong to {@code confide-policy}; these commands read files and print.
 */
package dev.confide.cli.session;
