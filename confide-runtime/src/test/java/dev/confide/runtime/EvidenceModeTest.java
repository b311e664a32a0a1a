package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide-runtime run --evidence}: a kind the host cannot produce is refused with one line
 * and exit 69 before anything reaches a CAS; an unknown kind is a usage error.
 */
class EvidenceModeTest {
  @TempDir Path tmp;

  private String[] run(String evidence, Path tsmRoot) {
    return new String[] {"run", "--evidence", evidence, "--tsm-root", tsmRoot.toString(), "--cas", "https://127.0.0.1:1",
        "--cas-fingerprint", "SHA256:x", "--session", "s", "--service", "app", "--volume", "v=" + tmp.resolve("v")};
  }

  private record Result(int code, String err) {}

  private Result runtime(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    return new Result(code, err.toString());
  }

  @Test
  void aHostWithoutConfigfsTsmCannotBeForcedToSnp() {
    Result r = runtime(run("snp", tmp.resolve("no-tsm")));
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).contains("this host cannot produce snp evidence").contains("--evidence sim");
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void aTdxGuestAskedForSnpSaysWhatItProduces() throws Exception {
    Path entry = Files.createDirectories(tmp.resolve("tsm/confide-" + ProcessHandle.current().pid()));
    Files.writeString(entry.resolve("provider"), "tdx_guest\n");
    Result r = runtime(run("snp", tmp.resolve("tsm")));
    assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).contains("this host produces tdx evidence, not snp").contains("--evidence auto");
  }

  @Test
  void anUnknownKindIsAUsageError() {
    Result r = runtime(run("sgx", tmp));
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("this runtime produces no 'sgx' evidence");
  }
}
