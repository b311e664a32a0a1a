package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets generated in the CAS reach the program through its command, its environment and
 * injection files (inside a volume and outside), substituted by the runtime; the program sees the
 * same value everywhere and never a placeholder; the host's output does not show it.
 */
class SecretsRunTest {
  @TempDir Path tmp;
  RunFixture host;

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  @Test
  void aGeneratedSecretArrivesInTheCommandTheEnvironmentAndInjectionFiles() throws Exception {
    host = new RunFixture(tmp);
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("main.py"), """
        import os, sys
        values = {
            "argument": sys.argv[1],
            "hex argument": bytes.fromhex(sys.argv[2]).decode(),
            "environment": os.environ["TOKEN"],
            "file outside volumes": open("/etc-app/app.conf").read().strip().removeprefix("token="),
            "file in a volume": open("/work/injected.txt").read().strip(),
        }
        same = len(set(values.values())) == 1
        placeholders = any("CONFIDE" in v for v in values.values())
        long_enough = all(len(v) == 24 for v in values.values())
        open("/work/result.txt", "w").write(f"same={same} placeholders={placeholders} length24={long_enough}\\n")
        print("checked", len(values), "places")
        """);
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(code, tmp.resolve("code-volume"), key, Progress.NONE);
    host.cas.user.createSession("""
        name: secrets
        services:
          - name: app
            image_name: img
            command: python3 /code/main.py $$CONFIDE::token$$ $$CONFIDE::token:hex$$
            environment: {PATH: /usr/bin:/bin, TOKEN: $$CONFIDE::token$$}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: code, key: %s, tag: %s}, {name: work, export: [{session: reader}]}]
        images:
          - name: img
            volumes: [{name: code, path: /code, read_only: true}, {name: work, path: /work}]
            injection_files:
              - {path: /etc-app/app.conf, content: "token=$$CONFIDE::token$$"}
              - {path: /work/injected.txt, content: "$$CONFIDE::token$$"}
        secrets: [{name: token, kind: ascii, size: 24}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(host.python("/usr/bin:/bin"),
        HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
    Path work = tmp.resolve("work-volume");
    RunFixture.Outcome checked = host.run(RunFixture.request("secrets", "app", Map.of("code", tmp.resolve("code-volume"), "work", work)));
    assertThat(checked.report().exitCode()).as(checked.output()).isZero();
    assertThat(checked.output()).contains("checked 5 places");
    // the work volume is sealed under a key only the CAS and the runtime know; reopen it the way a
    // second run would, and read the program's verdict from inside
    Files.writeString(code.resolve("main.py"), "print(open('/work/result.txt').read(), end='')\n");
    SealResult resealed = new VolumeSealer().seal(code, tmp.resolve("code-volume-2"), key, Progress.NONE);
    host.cas.user.createSession("""
        name: reader
        services:
          - name: app
            image_name: img
            command: python3 /code/main.py
            environment: {PATH: /usr/bin:/bin}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: code, key: %s, tag: %s}, {name: work, import: {session: secrets, volume: work}}]
        images: [{name: img, volumes: [{name: code, path: /code, read_only: true}, {name: work, path: /work, read_only: true}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(host.python("/usr/bin:/bin"),
        HexFormat.of().formatHex(key.copyBytes()), resealed.tag().hex()));
    RunFixture.Outcome verdict = host.run(RunFixture.request("reader", "app", Map.of("code", tmp.resolve("code-volume-2"), "work", work)));
    assertThat(verdict.output()).contains("same=True placeholders=False length24=True");
  }
}
