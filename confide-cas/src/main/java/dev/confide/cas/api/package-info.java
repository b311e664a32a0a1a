/**
 * The wire types of the CAS API: JSON bodies shared by the server and its client. Plain records,
 * no behaviour; they never carry a secret value or a volume key.
 */
package dev.confide.cas.api;
