package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program cannot read the host's secrets, whoever starts the runtime: it runs as an
 * unprivileged uid of its own user namespace and sees of /etc only what programs need. Tried as
 * the user running the tests (root in CI) and as a plain user (nobody) where the tests run as root.
 */
class SandboxHostFilesTest {
  /** What the program tries to read; each must be absent (not merely unreadable). */
  static final List<String> SECRETS = List.of("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/sudoers", "/etc/sudoers.d",
      "/etc/ssh", "/etc/ssl/private", "/etc/ld.so.preload", "/etc/machine-id", "/root", "/home", "/var/lib", "/etc/environment");

  static final String PROBE = """
      import os, pwd
      try:
          name = pwd.getpwuid(os.getuid()).pw_name
      except KeyError:
          name = "(no account)"
      print("uid", os.getuid(), os.geteuid(), name)
      for p in %s:
          print(p, "present" if os.path.lexists(p) else "absent")
      print("passwd", open("/etc/passwd").read().replace("\\n", "|") if os.path.exists("/etc/passwd") else "(none)")
      import ssl, json, locale, mimetypes
      ssl.create_default_context(); mimetypes.init()
      print("python works")
      """.formatted(SECRETS.stream().map(s -> "'" + s + "'").toList());

  @TempDir Path tmp;

  private String probe(List<String> launcher, List<Sandbox.Bind> binds) throws Exception {
    Bubblewrap bwrap = Bubblewrap.find();
    Sandbox.Plan plan = new Sandbox.Plan(List.of("/usr/bin/python3", "-c", PROBE), Map.of("PATH", "/usr/bin:/bin"), "/", binds, false);
    List<String> argv = new ArrayList<>(launcher);
    argv.addAll(List.of(dev.confide.attest.Executables.onPath("bwrap").orElseThrow().toString(), "--args", "0", "--"));
    argv.addAll(plan.command());
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try (OutputStream args = p.getOutputStream()) {
      for (String a : bwrap.arguments(plan)) {
        args.write(a.getBytes(StandardCharsets.UTF_8));
        args.write(0);
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static void nothingSecret(String out) {
    assertThat(out).contains("uid " + Bubblewrap.UID + " " + Bubblewrap.UID).contains("python works");
    for (String secret : SECRETS) {
      assertThat(out).as(secret).contains(secret + " absent\n");
    }
  }

  @Test
  void asWhoeverRunsTheTestsTheProgramIsUnprivilegedAndSeesNoHostSecret() throws Exception {
    StagingArea staging = StagingArea.create(null);
    try (staging) {
      String out = probe(List.of(), SandboxAccounts.write(staging.system()));
      nothingSecret(out);
      assertThat(out).contains("uid 1000 1000 confide").contains("passwd " + SandboxAccounts.PASSWD.formatted(Bubblewrap.UID, Bubblewrap.UID).replace("\n", "|"));
    }
  }

  @Test
  void asAPlainUserTheProgramIsUnprivilegedAndSeesNoHostSecret() throws Exception {
    boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    // as root, start the sandbox as nobody (no binds from root's private staging area); otherwise this user is the plain one
    String out = probe(root ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--") : List.of(), List.of());
    nothingSecret(out);
  }

  @Test
  void theHostsEtcOffersOnlyTheListedEntries() throws Exception {
    List<String> a = Bubblewrap.find().arguments(new Sandbox.Plan(List.of("true"), Map.of(), "/", List.of(), false));
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).equals("--ro-bind") && a.get(i + 1).startsWith("/etc")) {
        String entry = a.get(i + 1).substring("/etc/".length());
        assertThat(Bubblewrap.etcEntries()).as(a.get(i + 1)).contains(entry);
        assertThat(entry).doesNotStartWith("shadow").doesNotStartWith("gshadow").doesNotStartWith("sudoers").doesNotStartWith("ssh");
        assertThat(Files.exists(Path.of(a.get(i + 1)))).isTrue();
      }
    }
    assertThat(a).doesNotContain("/etc/shadow", "/etc/sudoers", "/root", "/home");
  }

  /** Java keeps its configuration in /etc (Debian links the JDK's conf files there): it still starts in the sandbox. */
  @Test
  void javaStartsInTheSandbox() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "no system Java here");
    Bubblewrap bwrap = Bubblewrap.find();
    Sandbox.Plan plan = new Sandbox.Plan(List.of("/usr/bin/java", "-version"), Map.of("PATH", "/usr/bin:/bin"), "/", List.of(), false);
    Process p = bwrap.start(plan, ProcessBuilder.Redirect.PIPE);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("version");
  }
}
