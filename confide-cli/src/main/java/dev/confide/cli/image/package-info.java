/**
 * {@code confide image}: converting container images into confidential ones and inspecting them
 * (confide-image does the work). Nothing here holds a key longer than the conversion.
 */
package dev.confide.cli.image;
