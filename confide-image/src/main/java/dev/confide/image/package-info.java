/**
 * Image conversion: a container image (a docker-archive or OCI image-layout tarball) in; out, a
 * confidential image whose chosen directories are sealed volumes (keys only in the CAS) or covered
 * by an authenticated tree, whose entrypoint is Confide's runtime, and the session policy that
 * releases those keys to that runtime only. docs/images.md is the user's side.
 *
 * <p>This module must never: write a plaintext copy of an encrypted directory into the output
 * image (the input's layers are filtered, not copied, where they hold one); put a key into the
 * image, its configuration or a log (keys go only into the policy file, 0600); leave a half-written
 * output behind (everything is written beside it and moved into place at the end); follow an
 * image's links or {@code ..} out of the folder it is unpacked into.
 */
package dev.confide.image;
