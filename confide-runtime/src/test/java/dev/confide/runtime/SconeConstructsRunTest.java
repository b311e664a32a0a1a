package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE constructs in a real run: a host argument ({@code @@1}) and a host environment variable
 * ({@code \@\@GREETING}) reach the program only where the session takes them, as the host gave them
 * (never through secret substitution); SCONE's {@code $$SCONE::token$$} is injected exactly as
 * {@code $$CONFIDE::token$$}; a session that accepts only SGX evidence is refused on simulated evidence, naming SGX.
 */
class SconeConstructsRunTest {
  @TempDir Path tmp;
  RunFixture host;
  Map<String, Path> volumes;
  /** The code volume's key and tag, as the session gives them. */
  String codeVolume;

  @BeforeEach
  void setUp() throws Exception {
    host = new RunFixture(tmp);
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("main.py"), """
        import os, sys
        print("args=" + repr(sys.argv[1:]))
        print("greeting=" + os.environ.get("GREETING", "(none)"))
        same = os.environ["TOKEN_C"] == os.environ["TOKEN_S"] and "::" not in os.environ["TOKEN_S"]
        print(f"same={same} length={len(os.environ['TOKEN_S'])}")
        """);
    Files.writeString(code.resolve("volume.py"), """
        import os, sys
        mode, folder = sys.argv[1], sys.argv[2]
        if mode == "write":
            with open(os.path.join(folder, "note.txt"), "w") as f:
                f.write("kept across names")
        else:
            print("read=" + open(os.path.join(folder, "note.txt")).read())
        """);
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(code, tmp.resolve("code-volume"), key, Progress.NONE);
    String python = host.python("/usr/bin:/bin");
    host.cas.user.createSession("""
        name: hostinputs
        services:
          - name: app
            image_name: img
            command: python3 /code/main.py fixed @@1
            environment:
              PATH: /usr/bin:/bin
              TOKEN_C: $$CONFIDE::token$$
              TOKEN_S: $$SCONE::token$$
              \\@\\@GREETING: the session's value is ignored
            stream_output: true
            attestation: [{mrenclave: [%s]}]
          - name: closed
            image_name: img
            command: python3 /code/main.py fixed
            environment: {PATH: /usr/bin:/bin, TOKEN_C: $$CONFIDE::token$$, TOKEN_S: $$SCONE::token$$}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: code, key: %s, tag: %s}]
        images: [{name: img, volumes: [{name: code, path: /code, read_only: true}]}]
        secrets: [{name: token, kind: ascii, size: 24}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(python, python, HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
    volumes = Map.of("code", tmp.resolve("code-volume"));
    codeVolume = "{name: code, key: %s, tag: %s}".formatted(HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex());
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private RunRequest request(String service, List<String> arguments, Map<String, String> environment) {
    return new RunRequest("hostinputs", service, volumes, true, null, null, arguments, environment);
  }

  @Test
  void whatTheSessionTakesFromTheHostArrivesAsTheHostGaveItAndSconeSecretsAsConfideOnes() throws Exception {
    RunFixture.Outcome run = host.run(request("app", List.of("$$CONFIDE::token$$ from the host"), Map.of("GREETING", "hello")));
    assertThat(run.report().exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("args=['fixed', '$$CONFIDE::token$$ from the host']", "greeting=hello",
        "same=True length=24");
  }

  @Test
  void aServiceThatTakesNoHostInputsRefusesThemAndOneThatTakesThemRefusesARunWithout() {
    assertThatThrownBy(() -> host.run(request("closed", List.of("--debug"), Map.of())))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.USAGE))
        .hasMessage("service closed takes no host arguments (@@N in its command), and the host gave 1");
    assertThatThrownBy(() -> host.run(request("closed", List.of(), Map.of("GREETING", "x"))))
        .hasMessage("service closed does not take environment variable GREETING from the host");
    assertThatThrownBy(() -> host.run(request("app", List.of(), Map.of("GREETING", "x"))))
        .hasMessage("service app takes host argument @@1, and the host gave no host arguments");
    assertThatThrownBy(() -> host.run(request("app", List.of("a", "b"), Map.of("GREETING", "x"))))
        .hasMessage("service app takes 1 host argument (@@N in its command), and the host gave 2");
    assertThatThrownBy(() -> host.run(request("app", List.of("a"), Map.of())))
        .hasMessage("service app takes environment variable GREETING from the host, and the host gave none");
  }

  @Test
  void anImportedServiceRunsTheExportersDefinitionWithTheImportersVolumes() throws Exception {
    // seed 000: the creator defines and exports the service and its image; the user brings the code volume
    String python = host.python("/usr/bin:/bin");
    host.cas.user.createSession("""
        name: studio
        services:
          - name: render
            image_name: img
            command: python3 /code/main.py from-the-creator
            environment: {PATH: /usr/bin:/bin, TOKEN_C: $$CONFIDE::token$$, TOKEN_S: $$SCONE::token$$}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
            export: job
        images: [{name: img, volumes: [{name: code, path: /code, read_only: true}], export: job}]
        secrets: [{name: token, kind: ascii, size: 24}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(python));
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(tmp.resolve("code"), tmp.resolve("job-code"), key, Progress.NONE);
    host.cas.user.createSession("""
        name: job
        services: [{name: render, import: studio}]
        images: [{name: img, import: studio}]
        volumes: [{name: code, fspf_key: %s, fspf_tag: %s}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
    RunFixture.Outcome run = host.run(new RunRequest("job", "render", Map.of("code", tmp.resolve("job-code")), true, null));
    assertThat(run.report().exitCode()).as(run.output()).isZero();
    assertThat(run.report().session()).isEqualTo("job");
    assertThat(run.output()).contains("args=['from-the-creator']", "same=True length=24");
  }

  @Test
  void aSessionThatAcceptsOnlySgxEvidenceIsRefusedOnSimulatedEvidenceNamingSgx() throws Exception {
    host.cas.user.createSession("""
        name: sgx-only
        services:
          - name: app
            command: python3 /code/main.py
            environment: {PATH: /usr/bin:/bin}
            attestation: {mrsigner: %s, isvprodid: 1, isvsvn: 1}
        security: {attestation: {tolerate: [simulation, aepic-leak]}}
        """.formatted("d".repeat(64)));
    assertThatThrownBy(() -> host.run(new RunRequest("sgx-only", "app", Map.of(), true, null)))
        .hasMessageContaining("service app accepts only Intel SGX evidence (its attestation names mrsigner, isvprodid, isvsvn"
            + " or platforms), and the runtime sent sim evidence");
  }

  /** A session whose service prints its arguments and secret, with {@code security} (YAML flow mapping). */
  private void createGuarded(String name, String security) throws Exception {
    host.cas.user.createSession("""
        name: %s
        services:
          - name: app
            image_name: img
            command: python3 /code/main.py fixed
            environment: {PATH: /usr/bin:/bin, TOKEN_C: $$CONFIDE::token$$, TOKEN_S: $$SCONE::token$$}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [%s]
        images: [{name: img, volumes: [{name: code, path: /code, read_only: true}]}]
        secrets: [{name: token, kind: ascii, size: 24}]
        security: %s
        """.formatted(name, host.python("/usr/bin:/bin"), codeVolume, security));
  }

  @Test
  void aSessionWithAOneTimePasswordRunsWithItsCurrentCodeOnlyOnce() throws Exception {
    String key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    createGuarded("guarded", "{attestation: {tolerate: [simulation], one_time_password_shared_secret: " + key + "}}");
    RunRequest without = new RunRequest("guarded", "app", volumes, true, null, null, null, null, null, null);
    assertThatThrownBy(() -> host.run(without)).hasMessageContaining("session guarded needs a one-time password");
    String code = dev.confide.cas.common.Totp.code(dev.confide.cas.common.Totp.key(key),
        dev.confide.cas.common.Totp.step(System.currentTimeMillis()), dev.confide.cas.common.Totp.DIGITS);
    RunRequest with = new RunRequest("guarded", "app", volumes, true, null, null, null, null,
        new dev.confide.cas.api.StartCredentials(code, null), null);
    RunFixture.Outcome run = host.run(with);
    assertThat(run.report().exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("args=['fixed']", "same=True length=24");
    // the host cannot start it again with the code it was given
    assertThatThrownBy(() -> host.run(with)).hasMessageContaining("one-time password was already used for session guarded");
  }

  @Test
  void aSessionWithAServiceAccessTokenAndSingletonServiceRunsWithTheTokenOneRunAtATime() throws Exception {
    String token = "owner-token-2f8e91c4d7";
    createGuarded("tokened", "{singleton_enclaves: true, service_access_token: " + token + ", attestation: {tolerate: [simulation]}}");
    assertThatThrownBy(() -> host.run(new RunRequest("tokened", "app", volumes, true, null)))
        .hasMessageContaining("session tokened needs its service access token");
    RunRequest with = new RunRequest("tokened", "app", volumes, true, null, null, null, null,
        new dev.confide.cas.api.StartCredentials(null, token), null);
    RunFixture.Outcome run = host.run(with);
    assertThat(run.report().exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("args=['fixed']", "same=True length=24");
    // the token is not spent, and the run that ended let go of the singleton service
    RunFixture.Outcome again = host.run(with);
    assertThat(again.report().exitCode()).as(again.output()).isZero();
  }

  @Test
  void aVolumeWrittenUnderItsAliasIsReadUnderItsNameAsOneVolume() throws Exception {
    String python = host.python("/usr/bin:/bin");
    host.cas.user.createSession("""
        name: aliased
        services:
          - {name: writer, image_name: w, command: python3 /code/volume.py write /store, environment: {PATH: /usr/bin:/bin},
             stream_output: true, attestation: [{mrenclave: [%s]}]}
          - {name: reader, image_name: r, command: python3 /code/volume.py read /data, environment: {PATH: /usr/bin:/bin},
             stream_output: true, attestation: [{mrenclave: [%s]}]}
        volumes: [%s, {name: data, volume_alias: store}]
        images:
          - {name: w, volumes: [{name: code, path: /code, read_only: true}, {name: store, path: /store}]}
          - {name: r, volumes: [{name: code, path: /code, read_only: true}, {name: data, path: /data}]}
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(python, python, codeVolume));
    Path ciphertext = Files.createDirectories(tmp.resolve("data-volume"));
    RunFixture.Outcome wrote = host.run(new RunRequest("aliased", "writer", Map.of("code", tmp.resolve("code-volume"), "store", ciphertext),
        true, null));
    assertThat(wrote.report().exitCode()).as(wrote.output()).isZero();
    // one volume: the tag the writer committed under 'store' is the tag of 'data'
    var data = host.cas.user.volume("aliased", "data");
    assertThat(data.tag()).isNotNull();
    assertThat(host.cas.user.volume("aliased", "store").tag()).isEqualTo(data.tag());
    RunFixture.Outcome read = host.run(new RunRequest("aliased", "reader", Map.of("code", tmp.resolve("code-volume"), "data", ciphertext),
        true, null));
    assertThat(read.report().exitCode()).as(read.output()).isZero();
    assertThat(read.output()).contains("read=kept across names");
  }

  @Test
  void aSingletonServiceThatCommitsAVolumeLetsGoWithItsLastSwap() throws Exception {
    // the runtime does not end such a run's token itself: the CAS ended it with the volume's swap
    String python = host.python("/usr/bin:/bin");
    host.cas.user.createSession("""
        name: single-writer
        services:
          - {name: writer, image_name: w, command: python3 /code/volume.py write /store, environment: {PATH: /usr/bin:/bin},
             stream_output: true, attestation: [{mrenclave: [%s]}]}
        volumes: [%s, {name: store}]
        images:
          - {name: w, volumes: [{name: code, path: /code, read_only: true}, {name: store, path: /store}]}
        security: {singleton_enclaves: true, attestation: {tolerate: [simulation]}}
        """.formatted(python, codeVolume));
    Path ciphertext = Files.createDirectories(tmp.resolve("single-store"));
    for (int run = 1; run <= 2; run++) {
      RunFixture.Outcome wrote = host.run(new RunRequest("single-writer", "writer",
          Map.of("code", tmp.resolve("code-volume"), "store", ciphertext), true, null));
      assertThat(wrote.report().exitCode()).as("run " + run + ": " + wrote.output()).isZero();
    }
  }
}
