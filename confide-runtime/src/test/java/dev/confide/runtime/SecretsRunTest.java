package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurer;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
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
  LocalCas cas;

  @AfterEach
  void tearDown() throws Exception {
    cas.close();
  }

  @Test
  void aGeneratedSecretArrivesInTheCommandTheEnvironmentAndInjectionFiles() throws Exception {
    cas = new LocalCas(tmp);
    HostKey hostKey = HostKey.create(tmp.resolve("host/host-key"));
    Measurer measurer = new Measurer(Measurer.runtimeDigest(System.getProperty("java.class.path")));
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
    cas.user.createSession("""
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
        """.formatted(measurer.measure(List.of("python3"), "/usr/bin:/bin").value(),
        HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
    StringWriter out = new StringWriter();
    Path work = tmp.resolve("work-volume");
    RunReport report = new ConfidentialRun(cas.runtime, measurer, hostKey, Bubblewrap.find(), new PrintWriter(out, true))
        .run(new RunRequest("secrets", "app", Map.of("code", tmp.resolve("code-volume"), "work", work), true, null),
            new PhaseClock());
    assertThat(report.exitCode()).as(out.toString()).isZero();
    assertThat(out.toString()).contains("checked 5 places");
    // the work volume is sealed under a key only the CAS and the runtime know; reopen it the way a
    // second run would, and read the program's verdict from inside
    Files.writeString(code.resolve("main.py"), "print(open('/work/result.txt').read(), end='')\n");
    SealResult resealed = new VolumeSealer().seal(code, tmp.resolve("code-volume-2"), key, Progress.NONE);
    cas.user.createSession("""
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
        """.formatted(measurer.measure(List.of("python3"), "/usr/bin:/bin").value(),
        HexFormat.of().formatHex(key.copyBytes()), resealed.tag().hex()));
    StringWriter verdict = new StringWriter();
    new ConfidentialRun(cas.runtime, measurer, hostKey, Bubblewrap.find(), new PrintWriter(verdict, true))
        .run(new RunRequest("reader", "app", Map.of("code", tmp.resolve("code-volume-2"), "work", work), true, null),
            new PhaseClock());
    assertThat(verdict.toString()).contains("same=True placeholders=False length24=True");
  }
}
