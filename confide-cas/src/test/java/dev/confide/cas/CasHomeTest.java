package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several CASes opening a new data folder at once (two first runs, each with its embedded CAS) end
 * up with one set of keys: the TLS key, the audit key, and a master key that opens what each of
 * them sealed.
 */
class CasHomeTest {
  @TempDir Path tmp;

  /** "TLS-KEY-HASH AUDIT-KEY SEALED-PROBE", as {@code home} holds them. */
  static String describe(CasHome home, String name) {
    byte[] sealed = home.masterKey().seal(("probe " + name).getBytes(StandardCharsets.UTF_8), "probe");
    return home.identity().keyHash() + " " + Base64.getEncoder().encodeToString(home.auditKey().publicKey()) + " "
        + Base64.getEncoder().encodeToString(sealed);
  }

  /** Checks that every description matches the folder as it is now, and that its master key opens each probe. */
  private static void allAgree(Path dir, List<String> descriptions) throws Exception {
    CasHome now = CasHome.open(dir);
    assertThat(now.created()).isFalse();
    for (int i = 0; i < descriptions.size(); i++) {
      String[] d = descriptions.get(i).strip().split(" ");
      assertThat(d[0]).as("TLS key of opener " + i).isEqualTo(now.identity().keyHash());
      assertThat(d[1]).as("audit key of opener " + i).isEqualTo(Base64.getEncoder().encodeToString(now.auditKey().publicKey()));
      byte[] opened = now.masterKey().open(Base64.getDecoder().decode(d[2]), "probe");
      assertThat(new String(opened, StandardCharsets.UTF_8)).as("master key of opener " + i).isEqualTo("probe " + i);
    }
  }

  @Test
  @Timeout(60)
  void threadsOpeningANewFolderAtOnceShareOneSetOfKeys() throws Exception {
    Path dir = tmp.resolve("cas");
    int openers = 6;
    CyclicBarrier together = new CyclicBarrier(openers);
    List<Future<String>> described = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(openers)) {
      for (int i = 0; i < openers; i++) {
        String name = Integer.toString(i);
        described.add(pool.submit(() -> {
          together.await();
          return describe(CasHome.open(dir, "127.0.0.1"), name);
        }));
      }
    }
    List<String> descriptions = new ArrayList<>();
    for (Future<String> f : described) {
      descriptions.add(f.get());
    }
    allAgree(dir, descriptions);
  }

  @Test
  @Timeout(120)
  void processesOpeningANewFolderAtOnceShareOneSetOfKeys() throws Exception {
    Path dir = tmp.resolve("cas");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Process> openers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      openers.add(new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "-cp", classPath,
          CasHomeProbe.class.getName(), dir.toString(), Integer.toString(i))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    List<String> descriptions = new ArrayList<>();
    for (Process p : openers) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      descriptions.add(out);
    }
    allAgree(dir, descriptions);
  }
}
