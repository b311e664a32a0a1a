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
      Path podmanStorage, String hostKey) {}

  int run(Invocation invocation, Output output, PrintWriter err, Options o) throws Exception {
    dev.confide.runtime.RuntimeEnvironment.checkThisJvm();
    boolean local = o.host().equals(LocalHost.NAME);
    if (!local && (!o.volumes().isEmpty() || o.podmanStorage() != null)) {
      throw new CliFailure(ExitCodes.USAGE, "image_remote_volume", "--volume and --podman-storage name folders on this machine",
          "leave them out for a remote host: its volumes live in its Confide folder, images/SESSION/NAME");
    }
    if (local && o.hostKey() != null) {
      throw new CliFailure(ExitCodes.USAGE, "host_key_local", "--host-key is for remote hosts", "leave it out for --host local");
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
    List<String> extra = o.podmanOptions() == null || o.podmanOptions().isBlank() ? List.of()
        : List.of(o.podmanOptions().trim().split("\\s+"));
    String reference = image.reference() != null ? image.reference() : "localhost/" + image.service() + ":latest";
    if (!local) {
      return remote(invocation, output, err, o, image, declared, reference, extra);
    }
    List<String> storage = o.podmanStorage() == null ? List.of() : List.of("--root", o.podmanStorage().resolve("root").toString(),
        "--runroot", o.podmanStorage().resolve("run").toString(), "--storage-driver", "vfs");
    Podman podman = Podman.local(storage, extra);
    HostKey hostKey = HostKeys.loadOrCreate(dirs);
    Path hostKeyFile = HostInitCommand.keyFile(dirs);
    try (Cas cas = Cas.open(dirs, o.casName())) {
      CasClient client = cas.client();
      String url = cas.url();
      String fingerprint = cas.fingerprint();
      client.trustSimHost(hostKey.keyHash());
      ensureSession(client, image.session(), o.policy());
      List<Podman.Mount> mounts = new ArrayList<>(List.of(new Podman.Mount(hostKeyFile.toString(), HOST_KEY_IN_CONTAINER, true)));
      Map<String, Path> volumeDirs = new LinkedHashMap<>();
      for (Map.Entry<String, String> v : declared.entrySet()) {
        Path dir = o.volumes().containsKey(v.getKey()) ? o.volumes().get(v.getKey())
            : dirs.data().resolve("images").resolve(image.session().replace('/', '_')).resolve(v.getKey());
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        volumeDirs.put(v.getKey(), dir);
        mounts.add(new Podman.Mount(dir.toAbsolutePath().toString(), v.getValue(), false));
      }
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
      String name = Podman.containerName();
      int exit;
      try (var stopping = invocation.cancellation().onCancel(() -> podman.stop(name))) {
        exit = podman.run(reference, name, env, mounts, shown(output, err, tail));
      }
      Map<String, Object> volumesOut = new LinkedHashMap<>();
      volumeDirs.forEach((k, v) -> volumesOut.put(k, v.toString()));
      return report(output, o, image, exit, volumesOut, tail);
    }
  }

  /** On a remote host: the runtime installed there, the image uploaded once per digest, its podman. */
  private static int remote(Invocation invocation, Output output, PrintWriter err, Options o, ImageInspection image,
      Map<String, String> declared, String reference, List<String> extra) throws Exception {
    ConfideDirs dirs = invocation.dirs();
    try (dev.confide.remote.ssh.SshConnection ssh = RemoteHostOptions.connect(dirs, o.host(), o.hostKey(), invocation.sshAgent(),
            invocation.mayAsk());
         Cas cas = Cas.open(dirs, o.casName())) {
      dev.confide.remote.ssh.SshImageRun there = dev.confide.remote.ssh.SshImageRun.prepare(ssh, invocation.runtime().get(),
          dev.confide.cli.ProgressBars.forTerminal(invocation, err, output.json(), "install"));
      cas.client().trustSimHost(there.hostKeyHash());
      ensureSession(cas.client(), image.session(), o.policy());
      if (!there.has(reference, image.manifestDigest())) {
        if (!output.json()) {
          err.println("confide: sending " + o.image() + " to " + o.host() + " (once per image) ...");
        }
        there.load(o.image(), dev.confide.cli.ProgressBars.forTerminal(invocation, err, output.json(), "upload"));
      }
      Deque<String> tail = new ArrayDeque<>();
      String name = Podman.containerName();
      int exit;
      try (var stopping = invocation.cancellation().onCancel(() -> there.stop(name))) {
        exit = there.run(reference, name, image.session(), declared, java.net.URI.create(cas.url()), cas.fingerprint(), extra,
            shown(output, err, tail));
      }
      Map<String, Object> volumesOut = new LinkedHashMap<>();
      declared.keySet().forEach(k -> volumesOut.put(k, o.host() + ":images/" + image.session().replace('/', '_') + "/" + k));
      return report(output, o, image, exit, volumesOut, tail);
    }
  }

  /** The container's lines: shown as they come (not with --json), the last {@value #TAIL} kept for the report. */
  private static java.util.function.Consumer<String> shown(Output output, PrintWriter err, Deque<String> tail) {
    return line -> {
      if (!output.json()) {
        err.println(line);
        err.flush();
      }
      tail.addLast(line);
      if (tail.size() > TAIL) {
        tail.removeFirst();
      }
    };
  }

  private static int report(Output output, Options o, ImageInspection image, int exit, Map<String, Object> volumes,
      Deque<String> tail) {
    output.report((exit == 0 ? "ran " : "ran (exit code " + exit + ") ") + o.image() + " on " + o.host() + ": session "
        + image.session() + ", service " + image.service() + "\n  simulated attestation: the host's owner can read and change this run",
        Output.fields("image", o.image().toString(), "host", o.host(), "session", image.session(), "service", image.service(),
            "exit_code", exit, "volumes", volumes, "output_tail", output.json() ? List.copyOf(tail) : String.join("\n    ", tail)));
    return exit;
  }

  /** The CAS of this run: the pinned one, or the embedded one started here when none is pinned. */
  private record Cas(CasClient client, String url, String fingerprint, EmbeddedCas embedded) implements AutoCloseable {
    static Cas open(ConfideDirs dirs, String name) throws java.io.IOException {
      if (name == null && new CasPins(dirs.config()).all().isEmpty()) {
        EmbeddedCas embedded = ApplicationRunner.startEmbedded(dirs, EmbeddedCas.userIdentity(dirs));
        return new Cas(embedded.client(), embedded.url(), embedded.fingerprint(), embedded);
      }
      CasPins.Pin pin = CasConnections.pin(dirs, name);
      return new Cas(CasConnections.open(dirs, pin.name()), pin.url().toString(), pin.fingerprint(), null);
    }

    @Override
    public void close() throws Exception {
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
