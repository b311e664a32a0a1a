package dev.confide.runtime;

import dev.confide.attest.Executables;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a program in a bubblewrap sandbox: a fresh root with the host's system directories
 * read-only, of {@code /etc} only what programs need and nothing secret ({@link #ETC}: never
 * {@code shadow}, {@code gshadow}, {@code sudoers}, ssh keys, {@code ssl/private} or
 * {@code ld.so.preload}), {@code /etc/passwd} and {@code /etc/group} of the sandbox's own
 * (the plan binds them), no home and no {@code /root}, its own /proc, /dev and /tmp, only the given
 * volumes bound in, no network unless allowed, every namespace unshared, the program as the
 * unprivileged uid of the plan (the service's {@code user}, default {@value #UID}) of a user namespace of its own whoever starts the runtime, no
 * capabilities, an empty environment but for the given one, and killed when the runtime dies. bwrap's options — the environment among them — go through a
 * pipe ({@code --args 0}), not its command line, so secrets in the environment never show in the
 * host's process list. The program's own arguments are its command line, which the host can see.
 */
public final class Bubblewrap implements Sandbox {
  /**
   * The host trees bound read-only as they are: the system directories no volume or injection file
   * goes into ({@link dev.confide.policy.Image#HOST_SYSTEM_PATHS}), but {@code /etc}, of which only
   * {@link #ETC} is bound.
   */
  private static final List<String> TREES = dev.confide.policy.Image.HOST_SYSTEM_PATHS.stream()
      .filter(dir -> !dir.equals("/etc")).toList();
  /**
   * What the sandbox sees of the host's {@code /etc}, where present: the loader's cache, name
   * service and time zone files, MIME types, the alternatives links, fonts, CA certificates and the
   * crypto libraries' settings (what Python and Blender open, measured with strace) — none of them
   * secret. Everything else in {@code /etc} is absent.
   */
  static final List<String> ETC = List.of("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf", "host.conf", "hosts",
      "resolv.conf", "gai.conf", "services", "protocols", "networks", "localtime", "timezone", "mime.types", "magic", "alternatives",
      "fonts", "ssl/certs", "ssl/openssl.cnf", "ca-certificates", "ca-certificates.conf", "gcrypt", "gnutls", "os-release",
      "debian_version", "locale.alias", "glvnd", "OpenCL", "vulkan", "drirc", "blender", "perl", "gtk-2.0", "gtk-3.0", "R",
      "texmf", "X11");
  /**
   * Entries of the host's {@code /etc} that language runtimes keep their configuration in, by name
   * prefix ({@code python3.11}, {@code java-17-openjdk} — whose {@code conf} files under /usr are links
   * into it, so Java does not start without it —, {@code ImageMagick-6}).
   */
  static final List<String> ETC_PREFIXES = List.of("python3", "java-", "ImageMagick-");
  /** The program's uid and gid inside its user namespace: never 0. */
  public static final int UID = 1000;

  /**
   * What a container's sandbox leaves out of the container's root: the kernel's and the engine's
   * own file systems, which the sandbox makes afresh.
   */
  static final List<String> NOT_FROM_CONTAINER = List.of("proc", "sys", "dev", "tmp", "run");
  /** The bundled bwrap's folder in a runtime distribution: the program, its libraries and their loader. */
  public static final String BUNDLED = "sandbox";
  /** The dynamic loader of the bundled bwrap (x86-64 Linux). */
  public static final String LOADER = "ld-linux-x86-64.so.2";

  /** How bwrap is started: its path, or the bundled loader, its library path and the bundled program. */
  private final List<String> bwrap;
  /** Whether the sandbox's root is this container's (a converted image's), not the host's system directories. */
  private final boolean containerRoot;

  Bubblewrap(String bwrap) {
    this(List.of(bwrap), false);
  }

  private Bubblewrap(List<String> bwrap, boolean containerRoot) {
    this.bwrap = List.copyOf(bwrap);
    this.containerRoot = containerRoot;
  }

  /**
   * The sandbox of a converted image's runtime: the container's own root, read-only, with fresh
   * /proc, /dev, /tmp and /run, by the bwrap bundled in the runtime's distribution at {@code
   * home} (started through its own loader, so that the image needs none of its libraries), else
   * the image's own bwrap.
   */
  public static Bubblewrap forContainer(Path home) {
    Path bundled = home.resolve(BUNDLED);
    if (Files.isRegularFile(bundled.resolve("bwrap")) && Files.isRegularFile(bundled.resolve(LOADER))) {
      return new Bubblewrap(List.of(bundled.resolve(LOADER).toString(), "--library-path", bundled.toString(),
          bundled.resolve("bwrap").toString()), true);
    }
    return new Bubblewrap(List.of(find().bwrap.getFirst()), true);
  }

  /** bwrap on PATH, or a failure saying how to install it. */
  public static Bubblewrap find() {
    return Executables.onPath("bwrap").map(p -> new Bubblewrap(p.toString())).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "bubblewrap (bwrap) is not installed; the runtime runs programs only inside it",
        "install it: apt-get install bubblewrap"));
  }

  /** bwrap's options (sent through the pipe); the command follows them on bwrap's command line. */
  List<String> arguments(Plan plan) {
    List<String> a = new ArrayList<>(List.of("--die-with-parent", "--new-session", "--unshare-all"));
    if (plan.network()) {
      a.add("--share-net");
    }
    a.addAll(List.of("--cap-drop", "ALL", "--clearenv"));
    a.addAll(List.of("--unshare-user", "--uid", Integer.toString(plan.uid()), "--gid", Integer.toString(plan.gid())));
    if (containerRoot) {
      containerTrees(a);
    } else {
      hostTrees(a);
    }
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run", "--dir", "/var/tmp"));
    for (Bind b : plan.binds()) {
      a.addAll(List.of(b.writable() ? "--bind" : "--ro-bind", b.source().toString(), b.target()));
    }
    plan.environment().forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
    a.addAll(List.of("--chdir", plan.pwd()));
    return a;
  }

  /** Every top-level entry of the container's root as it is, but {@link #NOT_FROM_CONTAINER}. */
  private static void containerTrees(List<String> a) {
    try (var listed = Files.list(Path.of("/"))) {
      for (Path p : listed.sorted().toList()) {
        if (!NOT_FROM_CONTAINER.contains(p.getFileName().toString())) {
          bindAsOnHost(a, p, p.toString());
        }
      }
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot list the container's root: " + e.getMessage(),
          "check the image", e);
    }
  }

  /** The host's system directories and the harmless part of its /etc. */
  private static void hostTrees(List<String> a) {
    for (String dir : TREES) {
      bindAsOnHost(a, Path.of(dir), dir);
    }
    a.addAll(List.of("--dir", "/etc", "--symlink", "/proc/self/mounts", "/etc/mtab"));
    for (String entry : etcEntries()) {
      if (entry.contains("/")) {
        a.addAll(List.of("--dir", "/etc/" + entry.substring(0, entry.lastIndexOf('/'))));
      }
      bindAsOnHost(a, Path.of("/etc", entry), "/etc/" + entry);
    }
  }

  /** {@link #ETC} and the host's entries that {@link #ETC_PREFIXES} name. */
  static List<String> etcEntries() {
    List<String> entries = new ArrayList<>(ETC);
    try (var listed = Files.list(Path.of("/etc"))) {
      listed.map(p -> p.getFileName().toString()).filter(n -> ETC_PREFIXES.stream().anyMatch(n::startsWith)).sorted()
          .forEach(entries::add);
    } catch (IOException e) {
      // an unreadable /etc offers nothing more
    }
    return entries;
  }

  /** A host path as it is: a link stays a link, a folder or file is bound read-only; absent, nothing. */
  private static void bindAsOnHost(List<String> a, Path p, String dest) {
    if (Files.isSymbolicLink(p)) {
      try {
        a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dest));
      } catch (IOException e) {
        throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot read the link " + p, "check the host's file system", e);
      }
    } else if (Files.exists(p)) {
      a.addAll(List.of("--ro-bind", p.toString(), dest));
    }
  }

  /** Starts the sandbox; its output goes where {@code output} says, its input is empty. */
  @Override
  public Process start(Plan plan, ProcessBuilder.Redirect output, java.util.function.UnaryOperator<List<String>> launcher) {
    List<String> argv = new ArrayList<>(bwrap);
    argv.addAll(List.of("--args", "0", "--"));
    argv.addAll(plan.command());
    ProcessBuilder pb = new ProcessBuilder(launcher.apply(argv));
    pb.environment().clear();
    pb.redirectErrorStream(true).redirectOutput(output);
    try {
      Process process = pb.start();
      try (OutputStream args = process.getOutputStream()) {
        for (String arg : arguments(plan)) {
          args.write(arg.getBytes(StandardCharsets.UTF_8));
          args.write(0);
        }
      }
      return process;
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "cannot start bubblewrap (" + bwrap.getLast() + "): " + e.getMessage(),
          "check that bwrap runs here: bwrap --ro-bind / / true");
    }
  }
}
