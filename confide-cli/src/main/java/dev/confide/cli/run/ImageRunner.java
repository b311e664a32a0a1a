package dev.confide.cli.run;

import dev.confide.attest.HostKey;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.CasPins;
import dev.confide.cas.common.CasException;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Invocation;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasConnections;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.image.ImageInspection;
import dev.confide.remote.LocalHost;
import dev.confide.remote.Podman;
import dev.confide.runtime.ContainerLaunch;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code confide run --image FILE}: a converted image's service run under podman on this machine
 * (docs/images.md). The CAS is the pinned one or the embedded one, as for any run; the session is
 * the image's, created from {@code --policy} if the CAS lacks it; this host's key signs the
 * simulated evidence and is trusted for the user's sessions; each volume's ciphertext is kept in a
 * folder of the user's data between runs (the service's state); the image is loaded once per
 * manifest digest and the container is removed when it ends.
 */
final class ImageRunner {
  /** Where the host key is mounted in the container. */
  static final String HOST_KEY_IN_CONTAINER = "/run/confide/host-key";
  /** Lines of the container's output kept for the report. */
  private static final int TAIL = 20;

  /** {@code podmanOptions}: options the host's engine needs besides (e.g. {@code --ulimit}), split on blanks. */
  record Options(String host, Path image, Map<String, Path> volumes, Path policy, String casName, String podmanOptions,
      Path podmanStorage) {}

  int run(Invocation invocation, Output output, PrintWriter err, Options o) throws Exception {
    dev.confide.runtime.RuntimeEnvironment.checkThisJvm();
    if (!o.host().equals(LocalHost.NAME)) {
      throw new CliFailure(ExitCodes.UNAVAILABLE, "image_remote", "running a converted image on a remote host is not built yet",
          "copy the image there and run it with podman as docs/images.md shows, or use --host local");
    }
    ImageInspection image = ImageInspection.of(o.image());
    if (!image.converted()) {
      throw new CliFailure(ExitCodes.DATA, "not_confidential", o.image() + " is not a confidential image",
          "convert it first: confide image convert --from " + o.image() + " ...");
    }
    Map<String, String> declared = new LinkedHashMap<>();
    for (ImageInspection.Protected p : image.protections()) {
      if (p.how().equals("volume")) {
        declared.put(p.volume(), p.path());
      }
    }
    for (String given : o.volumes().keySet()) {
      if (!declared.containsKey(given)) {
        throw new CliFailure(ExitCodes.USAGE, "no_such_volume", "the image has no volume '" + given + "' (it has "
            + declared.keySet() + ")", "drop --volume " + given);
      }
    }
    ConfideDirs dirs = invocation.dirs();
    List<String> storage = o.podmanStorage() == null ? List.of() : List.of("--root", o.podmanStorage().resolve("root").toString(),
        "--runroot", o.podmanStorage().resolve("run").toString(), "--storage-driver", "vfs");
    Podman podman = Podman.local(storage, o.podmanOptions() == null || o.podmanOptions().isBlank() ? List.of()
        : List.of(o.podmanOptions().trim().split("\\s+")));
    HostKey hostKey = HostKeys.loadOrCreate(dirs);
    Path hostKeyFile = HostInitCommand.keyFile(dirs);
    EmbeddedCas embedded = null;
    CasClient client;
    String url;
    String fingerprint;
    if (o.casName() == null && new CasPins(dirs.config()).all().isEmpty()) {
      embedded = ApplicationRunner.startEmbedded(dirs, EmbeddedCas.userIdentity(dirs));
      client = embedded.client();
      url = embedded.url();
      fingerprint = embedded.fingerprint();
    } else {
      CasPins.Pin pin = CasConnections.pin(dirs, o.casName());
      client = CasConnections.open(dirs, pin.name());
      url = pin.url().toString();
      fingerprint = pin.fingerprint();
    }
    try {
      client.trustSimHost(hostKey.keyHash());
      ensureSession(client, image.session(), o.policy());
      List<Podman.Mount> mounts = new ArrayList<>(List.of(new Podman.Mount(hostKeyFile, HOST_KEY_IN_CONTAINER, true)));
      Map<String, Path> volumeDirs = new LinkedHashMap<>();
      for (Map.Entry<String, String> v : declared.entrySet()) {
        Path dir = o.volumes().containsKey(v.getKey()) ? o.volumes().get(v.getKey())
            : dirs.data().resolve("images").resolve(image.session().replace('/', '_')).resolve(v.getKey());
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        volumeDirs.put(v.getKey(), dir);
        mounts.add(new Podman.Mount(dir.toAbsolutePath(), v.getValue(), false));
      }
      String reference = image.reference() != null ? image.reference() : "localhost/" + image.service() + ":latest";
      if (!podman.has(reference, image.manifestDigest())) {
        if (!output.json()) {
          err.println("confide: loading " + o.image() + " into podman (once per image) ...");
        }
        podman.load(o.image());
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put(ContainerLaunch.CAS, url);
      env.put(ContainerLaunch.FINGERPRINT, fingerprint);
      env.put(ContainerLaunch.HOST_KEY, HOST_KEY_IN_CONTAINER);
      Deque<String> tail = new ArrayDeque<>();
      int exit = podman.run(reference, env, mounts, line -> {
        if (!output.json()) {
          err.println(line);
          err.flush();
        }
        tail.addLast(line);
        if (tail.size() > TAIL) {
          tail.removeFirst();
        }
      });
      Map<String, Object> volumesOut = new LinkedHashMap<>();
      volumeDirs.forEach((k, v) -> volumesOut.put(k, v.toString()));
      output.report((exit == 0 ? "ran " : "ran (exit code " + exit + ") ") + o.image() + ": session " + image.session() + ", service "
          + image.service() + "\n  simulated attestation: the host's owner can read and change this run",
          Output.fields("image", o.image().toString(), "session", image.session(), "service", image.service(), "exit_code", exit,
              "volumes", volumesOut, "output_tail", output.json() ? List.copyOf(tail) : String.join("\n    ", tail)));
      return exit;
    } finally {
      if (embedded != null) {
        embedded.close();
      } else {
        client.close();
      }
    }
  }

  /** Creates the image's session from {@code policy} if the CAS lacks it; refuses when it lacks it and no policy is given. */
  private static void ensureSession(CasClient client, String session, Path policy) throws java.io.IOException {
    try {
      client.session(session);
      return;
    } catch (CasException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
    if (policy == null) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_session", "the CAS has no session " + session + " for this image",
          "create it: confide session create POLICY (the policy.yaml 'image convert' wrote), or pass --policy POLICY");
    }
    if (!Files.isRegularFile(policy)) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_policy", "--policy " + policy + " does not exist", "give the policy 'image convert' wrote");
    }
    client.createSession(Files.readString(policy));
  }
}
