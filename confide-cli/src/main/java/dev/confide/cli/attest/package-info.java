/**
 * {@code confide attest}: hardware evidence as a CAS would judge it ({@code attest verify}), and the
 * collateral it is judged with ({@code cas collateral import}). Reads files and the collateral
 * folder only; must never reach the network (an operator fetches collateral, the verifier says
 * from where) nor accept evidence without saying which check it passed.
 */
package dev.confide.cli.attest;
