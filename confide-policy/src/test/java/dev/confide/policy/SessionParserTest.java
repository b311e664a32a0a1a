package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionParserTest {
  private final SessionParser parser = new SessionParser();

  static String resource(String name) throws IOException {
    try (InputStream in = SessionParserTest.class.getResourceAsStream("/sessions/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void parsesEveryPartOfTheCounterSession() throws Exception {
    Session s = parser.parse("counter.yaml", resource("counter.yaml"));
    assertThat(s.name()).isEqualTo("demo-ns/counter");
    assertThat(s.namespace()).contains("demo-ns");
    Service svc = s.service("counter").orElseThrow();
    assertThat(svc.imageName()).isEqualTo("counter-image");
    assertThat(svc.environment()).containsEntry("LANG", "C.UTF-8").hasSize(3);
    assertThat(svc.attestation().getFirst().mrenclave()).hasSize(1);
    assertThat(s.volume("V1").orElseThrow().updatePolicy()).isEqualTo(VolumeSpec.ROLLBACK_PROTECTED);
    assertThat(s.image("counter-image").orElseThrow().volumes().getFirst().path()).isEqualTo("/V1");
    assertThat(s.secret("tls_cert").orElseThrow().privateKey()).isEqualTo("tls_key");
    assertThat(s.security().attestation().tolerates(Security.Attestation.SIMULATION)).isTrue();
    assertThat(s.security().attestation().ignoreAdvisories()).containsExactly("*");
  }

  @Test
  void defaultsAreFilledIn() throws Exception {
    Session s = parser.parse("min.yaml", "name: a/b\n");
    assertThat(s.accessPolicy().read()).containsExactly("CREATOR");
    assertThat(s.accessPolicy().createSessions()).containsExactly("CREATOR");
    assertThat(s.security().attestation().mode()).isEqualTo("hardware");
    assertThat(s.security().attestation().tolerate()).isEmpty();
    assertThat(s.services()).isEmpty();
  }

  private void refused(String text, String message) {
    assertThatThrownBy(() -> parser.parse("s.yaml", text))
        .isInstanceOf(PolicyException.class)
        .hasMessage(message);
  }

  @Test
  void unknownFieldIsRefusedWithLineAndColumn() {
    refused("name: a/b\nservices:\n  - name: x\n    command: c\n    comand: d\n",
        "s.yaml:5:5: unknown field 'comand' in 'services[0]'");
  }

  @Test
  void unknownTopLevelFieldNamesTheKnownOnes() {
    assertThatThrownBy(() -> parser.parse("s.yaml", "name: a/b\nsecret: []\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("s.yaml:2:1: unknown field 'secret' in the session")
        .extracting(e -> ((PolicyException) e).hint()).asString().contains("secrets");
  }

  @Test
  void wrongTypeIsRefusedWithLineAndColumn() {
    refused("name: a/b\nservices: hello\n", "s.yaml:2:11: 'services' must be a list");
    refused("name: a/b\nservices:\n  - name: x\n    command: c\n    environment: [A]\n",
        "s.yaml:5:18: 'services[0].environment' must be a mapping of names to strings");
    refused("name: a/b\nsecrets:\n  - name: x\n    kind: ascii\n    size: big\n",
        "s.yaml:5:11: 'secrets[0].size' must be a whole number, not 'big'");
  }

  @Test
  void danglingImageReferenceNamesTheLine() {
    refused("name: a/b\nservices:\n  - name: x\n    command: c\n    image_name: nowhere\n",
        "s.yaml:5:17: service 'x' names image 'nowhere', which 'images' does not define");
  }

  @Test
  void danglingVolumeMountNamesTheLine() {
    refused("name: a/b\nimages:\n  - name: i\n    volumes:\n      - name: V2\n        path: /V2\n",
        "s.yaml:5:15: image 'i' mounts volume 'V2', which 'volumes' does not define");
  }

  @Test
  void injectionFilesAndMountsInTheHostsSystemDirectoriesAreRefusedAtCreate() {
    refused("name: a/b\nimages:\n  - name: i\n    injection_files:\n      - path: /etc/cron.d/job\n        content: x\n",
        "s.yaml:5:15: injection file /etc/cron.d/job lies in /etc, which the sandbox takes read-only from the host");
    refused("name: a/b\nimages:\n  - name: i\n    injection_files:\n      - path: /work/../etc/passwd\n        content: x\n",
        "s.yaml:5:15: an injection file needs an absolute 'path' without '..'");
    refused("name: a/b\nvolumes: [{name: V}]\nimages:\n  - name: i\n    volumes:\n      - name: V\n        path: /usr/local/V\n",
        "s.yaml:7:15: volume V would be mounted at /usr/local/V, inside /usr, which the sandbox takes read-only from the host");
  }

  @Test
  void danglingSecretPlaceholderIsRefused() {
    refused("name: a/b\nservices:\n  - name: x\n    command: run $$CONFIDE::missing$$\n",
        "s.yaml:4:14: $$CONFIDE::missing$$ names a secret that 'secrets' does not define");
  }

  @Test
  void danglingIssuerIsRefused() {
    refused("name: a/b\nsecrets:\n  - name: c\n    kind: x509\n    issuer: ca\n",
        "s.yaml:5:13: issuer 'ca' is not an x509-ca secret of this session");
  }

  @Test
  void badValuesAreRefused() {
    refused("name: a/b\nvolumes:\n  - name: V\n    update_policy: sometimes\n",
        "s.yaml:4:20: 'sometimes' is not an update policy");
    refused("name: a/b\nsecrets:\n  - name: k\n    kind: password\n", "s.yaml:4:11: 'password' is not a secret kind");
    refused("name: ../x\n", "s.yaml:1:7: '../x' is not a session name");
    refused("name: a/b\naccess_policy:\n  read: [NONE, ANY]\n", "s.yaml:3:9: NONE must stand alone");
    refused("name: a/b\nsecurity:\n  attestation:\n    tolerate: [everything]\n",
        "s.yaml:4:16: 'everything' is not a known weakness");
    String service = "name: a/b\nservices:\n  - name: s\n    command: blender\n    measured_trees: [%s]\n";
    refused(service.formatted("usr/share/blender"), "s.yaml:5:22: 'usr/share/blender' is not an absolute path");
    refused(service.formatted("/usr/../etc"), "s.yaml:5:22: '/usr/../etc' is not an absolute path");
    refused(service.formatted("/usr/share/blender, /usr/share/blender"), "s.yaml:5:42: '/usr/share/blender' is named twice");
    String user = "name: a/b\nservices:\n  - name: s\n    command: python3\n    user: \"%s\"\n";
    refused(user.formatted("0:0"), "s.yaml:5:11: '0:0' is not UID:GID of an account other than root");
    refused(user.formatted("app"), "s.yaml:5:11: 'app' is not UID:GID of an account other than root");
    String snp = "name: a/b\nservices:\n  - name: s\n    command: x\n    attestation:\n      - mrenclave: [%s]\n        snp: %s\n";
    String m = "a".repeat(64);
    refused(snp.formatted(m, "{measurement: [abc]}"), "s.yaml:7:29: 'abc' is not an SEV-SNP launch measurement");
    refused(snp.formatted(m, "{min_tcb: \"bl=1,tee=0\"}"), "s.yaml:7:24: 'bl=1,tee=0' is not a TCB");
    refused(snp.formatted(m, "{min_tcb: \"bl=1,tee=0,snp=300,ucode=1\"}"), "s.yaml:7:24: 'bl=1,tee=0,snp=300,ucode=1' is not a TCB");
    refused(snp.formatted(m, "{vmpl: 4}"), "s.yaml:7:21: VMPL 4 does not exist");
    String tdx = snp.replace("snp: %s", "tdx: %s");
    refused(tdx.formatted(m, "{mrtd: [abc]}"), "s.yaml:7:22: 'abc' is not an MRTD");
    refused(tdx.formatted(m, "{rtmr: {7: " + "a".repeat(96) + "}}"), "s.yaml:7:25: '7: " + "a".repeat(96) + "' is not an RTMR value");
  }

  @Test
  void anSnpAlternativeIsRead() throws Exception {
    Session s = parser.parse("s.yaml", "name: a/b\nservices:\n  - name: s\n    command: x\n    attestation:\n      - mrenclave: ["
        + "a".repeat(64) + "]\n        snp: {measurement: [" + "b".repeat(96) + "], min_tcb: \"bl=3,tee=0,snp=8,ucode=115\", vmpl: 1}\n");
    Service.Snp snp = s.service("s").orElseThrow().attestation().getFirst().snp();
    assertThat(snp.measurement()).containsExactly("b".repeat(96));
    assertThat(snp.minTcb()).isEqualTo("bl=3,tee=0,snp=8,ucode=115");
    assertThat(snp.vmpl()).isEqualTo(1);
  }

  @Test
  void duplicateNamesAndKeysAreRefused() {
    refused("name: a/b\nvolumes:\n  - name: V\n  - name: V\n", "s.yaml:4:11: 'V' is defined twice in 'volumes'");
    assertThatThrownBy(() -> parser.parse("s.yaml", "name: a/b\nname: c/d\n"))
        .isInstanceOf(PolicyException.class).hasMessageStartingWith("s.yaml:2:");
  }

  @Test
  void missingNameAndCommandAreRefused() {
    refused("version: \"1\"\n", "s.yaml:1:1: the session has no 'name'");
    refused("name: a/b\nservices:\n  - name: x\n", "s.yaml:3:5: service 'x' has no 'command'");
  }

  @Test
  void brokenYamlIsRefused() {
    assertThatThrownBy(() -> parser.parse("s.yaml", "name: a/b\nservices: [\n"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("not valid YAML");
    refused("", "s.yaml: the session is empty");
  }

  @Test
  void moreThanOneProblemIsCounted() {
    refused("name: a/b\nvolumes:\n  - name: V\n    update_policy: x\n  - name: W\n    update_policy: y\n",
        "s.yaml:4:20: 'x' is not an update policy (and 1 more problems)");
  }

  @Test
  void givenVolumeKeysAndTagsAreChecked() {
    refused("name: a\nvolumes:\n  - name: v\n    key: nothex\n",
        "s.yaml:4:10: a volume 'key' must be 64 lower-case hex digits (32 bytes)");
    refused("name: a\nvolumes:\n  - name: v\n    tag: " + "ab".repeat(32) + "\n",
        "s.yaml:4:10: a volume 'tag' is only given together with its 'key'");
    refused("name: a\nvolumes:\n  - name: v\n    import: {session: b, volume: w}\n    key: " + "ab".repeat(32) + "\n",
        "s.yaml:5:10: an imported volume has its key in the exporting session");
  }

  @Test
  void theProgramOfACommandCannotBeASecretAndQuotesMustClose() {
    refused("name: a\nservices:\n  - name: x\n    command: $$CONFIDE::p$$ run\nsecrets: [{name: p, kind: ascii}]\n",
        "s.yaml:4:14: the program a command starts cannot be a secret: attestation measures it");
    refused("name: a\nservices:\n  - name: x\n    command: python3 'main.py\n",
        "s.yaml:4:14: the command has an unclosed ' quote");
  }

  @Test
  void sconePlaceholdersAreConfideOnesAndTheirFormatsAreChecked() throws Exception {
    Session s = parser.parse("s.yaml", """
        name: a
        services:
          - name: x
            command: run $$SCONE::tok$$
            environment: {T: "$$SCONE::tok:hex$$", K: "$$SCONE::key:privatekey$$", C: "$$SCONE::cert:crt:pem$$"}
        secrets:
          - {name: tok, kind: ascii}
          - {name: key, kind: private-key}
          - {name: cert, kind: x509, private_key: key}
        """);
    assertThat(SecretReferences.in(s.service("x").orElseThrow().environment().get("K")).getFirst().canonicalFormat())
        .isEqualTo("key");
    refused("name: a\nservices:\n  - name: x\n    command: run $$SCONE::missing$$\n",
        "s.yaml:4:14: $$SCONE::missing$$ names a secret that 'secrets' does not define");
    refused("name: a\nservices:\n  - name: x\n    command: $$SCONE::p$$ run\nsecrets: [{name: p, kind: ascii}]\n",
        "s.yaml:4:14: the program a command starts cannot be a secret: attestation measures it");
    refused("name: a\nservices:\n  - name: x\n    command: run $$SCONE::k:privatekey:der$$\nsecrets: [{name: k, kind: private-key}]\n",
        "s.yaml:4:14: $$SCONE::k:privatekey:der$$ asks for the binary format 'privatekey:der', and a command, an environment"
            + " value or an injection file is text here");
    refused("name: a\nservices:\n  - name: x\n    command: run $$SCONE::k:jwk$$\nsecrets: [{name: k, kind: private-key}]\n",
        "s.yaml:4:14: 'jwk' is not a secret format");
  }

  @Test
  void sconePlaceholdersSurviveTemplatesAsConfideOnesDo() throws Exception {
    assertThat(SessionTemplate.fill("s.yaml", "command: run $$SCONE::tok:hex$$ $X $$HOME\n", java.util.Map.of("X", "x")))
        .isEqualTo("command: run $$SCONE::tok:hex$$ x $HOME\n");
  }

  @Test
  void hostArgumentsAndHostVariablesAreTakenOnlyWhereSconePutsThem() throws Exception {
    Session s = parser.parse("s.yaml", """
        name: a
        services:
          - name: x
            command: run --level @@2 @@1
            environment:
              \\@\\@GREETING: ignored
              "@@OTHER": ignored
              PLAIN: "mail@example.org"
        """);
    assertThat(s.service("x").orElseThrow().environment()).containsKeys("\\@\\@GREETING", "@@OTHER");
    refused("name: a\nservices:\n  - name: x\n    command: \"@@1 run\"\n",
        "s.yaml:4:14: the program a command starts cannot be a host argument (@@1): attestation measures it");
    refused("name: a\nservices:\n  - name: x\n    command: run @@1 @@1\n",
        "s.yaml:4:14: host argument @@1 appears twice in the command");
    refused("name: a\nservices:\n  - name: x\n    command: run --file=@@1\n",
        "s.yaml:4:14: '@@1' in the command is not a host argument");
    refused("name: a\nservices:\n  - name: x\n    command: run \\@\\@HOME\n",
        "s.yaml:4:14: '\\@\\@HOME' in the command is not a host argument");
    refused("name: a\nservices:\n  - name: x\n    command: run\n    environment: {A: \"@@HOME\"}\n",
        "s.yaml:5:22: '@@HOME' in an environment value would reach the program as it is written, not from the host");
    refused("name: a\nservices:\n  - name: x\n    command: run\n    environment: {A: x, \\@\\@A: y}\n",
        "s.yaml:5:32: variable A is set twice: by the session and from the host");
    refused("name: a\nimages:\n  - name: i\n    injection_files: [{path: /etc-app/c, content: \"user=\\\\@\\\\@USER\"}]\n",
        "s.yaml:4:51: '\\@\\@USER' in an injection file would reach the program as it is written, not from the host");
  }

  @Test
  void everyProblemIsListedAtOnceSortedByPlace() {
    String text = """
        name: a
        services:
          - name: x
            comand: run
            image_name: nosuch
            environment: {A: "@@B"}
        volumes:
          - name: v
            update_policy: sometimes
            size: 3
        secrets:
          - {name: s, kind: ascii, lenght: 4}
        """;
    assertThatThrownBy(() -> parser.parse("s.yaml", text)).isInstanceOfSatisfying(PolicyException.class, e -> {
      assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(
          "s.yaml:3:5: service 'x' has no 'command'",
          "s.yaml:4:5: unknown field 'comand' in 'services[0]'",
          "s.yaml:5:17: service 'x' names image 'nosuch', which 'images' does not define",
          "s.yaml:6:22: '@@B' in an environment value would reach the program as it is written, not from the host",
          "s.yaml:9:20: 'sometimes' is not an update policy",
          "s.yaml:10:5: unknown field 'size' in 'volumes[0]'",
          "s.yaml:12:28: unknown field 'lenght' in 'secrets[0]'");
      assertThat(e.problems().get(1).hint()).startsWith("known fields here: ").contains("command");
      assertThat(e.getMessage()).isEqualTo("s.yaml:3:5: service 'x' has no 'command' (and 6 more problems)");
      assertThat(e.unlisted()).isZero();
    });
  }

  @Test
  void aLongListIsCappedAndTheRestCounted() {
    StringBuilder text = new StringBuilder("name: a\nvolumes:\n");
    for (int i = 0; i < 30; i++) {
      text.append("  - {name: v").append(i).append(", update_policy: no}\n");
    }
    assertThatThrownBy(() -> parser.parse("s.yaml", text.toString())).isInstanceOfSatisfying(PolicyException.class, e -> {
      assertThat(e.problems()).hasSize(PolicyException.MAX_PROBLEMS);
      assertThat(e.unlisted()).isEqualTo(30 - PolicyException.MAX_PROBLEMS);
      assertThat(e.getMessage()).endsWith("(and 29 more problems)");
    });
  }

  @Test
  void noProblemShowsJavaOrJacksonAlsoWhenBrokenYamlFollowsTheFirst() {
    for (String text : List.of(
        "name: a\nservices:\n  - name: x\n    comand: run\n    environment: [a, b]\n",
        "name: a\nservices: {x: y}\n",
        "name: a\nsecurity: {attestation: {tolerate: simulation}}\n",
        "name: a\nservices:\n  - name: x\n    comand: run\n  - name: y\n    command: [oops\n",
        "name: a\nvolumes:\n  - name: v\n    bogus: 1\n  - {name: w, update_policy: }\n: broken\n")) {
      assertThatThrownBy(() -> parser.parse("s.yaml", text)).as(text).isInstanceOfSatisfying(PolicyException.class, e -> {
        for (PolicyProblem p : e.problems()) {
          assertThat(p.toString() + " " + p.hint()).as(text).doesNotContain("Cannot deserialize", "dev.confide", "java.",
              "jackson", "Jackson", "`").startsWith("s.yaml");
        }
      });
    }
    assertThatThrownBy(() -> parser.parse("s.yaml", "name: a\nservices:\n  - name: x\n    comand: run\n  - name: y\n    command: [oops\n"))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::toString)
            .anyMatch(p -> p.startsWith("s.yaml:4:5: unknown field 'comand'")).anyMatch(p -> p.contains("not valid YAML")));
  }

  /** Four services in SCONE's attestation shapes; the SGX one with security version {@code isvsvn}. */
  @Test
  void importedServicesAndImagesAreReadInSconesFormsAndMayNotRedefineWhatTheExporterDecides() throws Exception {
    String m = "a".repeat(64);
    Session user = parser.parse("s.yaml", """
        name: job
        services:
          - {name: blender, import: scone/blender}
          - {name: other, import: {session: scone/blender, service: blender}, image_name: mine}
        images:
          - {name: blender_image, import: scone/blender}
          - {name: mine, volumes: [{name: V, path: /V}]}
        volumes: [{name: V}]
        """);
    assertThat(user.service("blender").orElseThrow().importFrom()).isEqualTo(new Service.ServiceImport("scone/blender", null));
    assertThat(user.service("blender").orElseThrow().command()).isNull();
    assertThat(user.service("other").orElseThrow().importFrom().service()).isEqualTo("blender");
    assertThat(user.image("blender_image").orElseThrow().importFrom()).isEqualTo(new Image.ImageImport("scone/blender", null));
    Session creator = parser.parse("s.yaml", """
        name: scone/blender
        services:
          - {name: blender, command: blender -b, mrenclaves: [%s], image_name: img, export: "*"}
        images:
          - {name: img, mrenclaves: [%s], export: [{namespace: users}, job]}
        """.formatted(m, m));
    assertThat(creator.service("blender").orElseThrow().export()).containsExactly(new Export("*", null, null));
    assertThat(creator.image("img").orElseThrow().export()).containsExactly(new Export(null, null, "users"), new Export("job", null, null));
    assertThat(creator.image("img").orElseThrow().admits(m)).isTrue();
    assertThat(creator.image("img").orElseThrow().admits("b".repeat(64))).isFalse();
    // what runs is the exporter's, so the importer may not say otherwise
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: job
        services:
          - name: blender
            import: scone/blender
            environment: {LD_PRELOAD: /tmp/x.so}
            mrenclaves: [%s]
            network: true
            user: "1000:1000"
            export: "*"
        images:
          - {name: img, import: scone/blender, volumes: [{name: V, path: /V}]}
          - {name: img2, mrenclaves: [nothex]}
        volumes: [{name: V}]
        """.formatted(m))).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
            .extracting(PolicyProblem::message).containsExactlyInAnyOrder(
                "an imported service takes its 'environment' from session scone/blender",
                "an imported service takes its measurements ('attestation', 'mrenclaves') from session scone/blender",
                "an imported service takes 'network' and 'stream_output' from session scone/blender",
                "an imported service takes its 'user' from session scone/blender",
                "an imported service cannot be exported again",
                "an imported image takes its volumes, injection files and mrenclaves from session scone/blender",
                "'nothex' is not a measurement"));
    // a service of its own still needs its command, and says how to do without one
    assertThatThrownBy(() -> parser.parse("s.yaml", "name: a\nservices: [{name: x}]\n"))
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems().getFirst().hint())
            .contains("import the service from the session that defines it"));
  }

  @Test
  void onlyACertificateOrAPgpPublicKeyCanBeMadePublic() throws Exception {
    Session s = parser.parse("s.yaml", "name: a\nsecrets: [{name: ca, kind: x509-ca, export_public: true}, {name: t, kind: ascii}]\n");
    assertThat(s.secret("ca").orElseThrow().exportsPublic()).isTrue();
    assertThat(s.secret("t").orElseThrow().exportsPublic()).isFalse();
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        secrets:
          - {name: t, kind: ascii, export_public: true}
          - {name: k, kind: private-key, export_public: true}
          - {name: i, import: {session: b, secret: c}, export_public: true}
        """)).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::message)
            .containsExactly("secret 't' (ascii) has no public part to export: only an x509 or x509-ca secret's certificate or a pgp-key's public key is made public",
                "secret 'k' (private-key) has no public part to export: only an x509 or x509-ca secret's certificate or a pgp-key's public key is made public",
                "an imported secret cannot be exported again"));
  }

  @Test
  void aVolumeAliasIsASecondNameOfTheVolumeAndNeverOfAnother() throws Exception {
    Session ok = parser.parse("s.yaml", """
        name: a
        volumes:
          - {name: data, volume_alias: store}
          - {name: logs}
        images:
          - {name: writer, volumes: [{name: store, path: /store}, {name: logs, path: /logs}]}
          - {name: reader, volumes: [{name: data, path: /data}]}
        """);
    assertThat(ok.volume("store")).get().extracting(VolumeSpec::name).isEqualTo("data");
    assertThat(ok.volume("data")).get().extracting(VolumeSpec::alias).isEqualTo("store");
    assertThat(ok.volume("logs")).get().extracting(VolumeSpec::alias).isNull();
    assertThat(SessionHash.canonical(ok)).contains("\"volume_alias\":\"store\"");
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        volumes:
          - {name: data, volume_alias: logs}
          - {name: logs}
          - {name: more, volume_alias: 'no way'}
        images:
          - {name: img, volumes: [{name: data, path: /data}, {name: logs, path: /logs}]}
        """)).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::message)
            .containsExactly("volume_alias 'logs' already names a volume of this session",
                "'no way' is not a volume name"));
    // one volume mounted under both its names would be two writers of one tag
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        volumes: [{name: data, volume_alias: store}]
        images:
          - {name: img, volumes: [{name: data, path: /data}, {name: store, path: /store}]}
        """)).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::message)
            .containsExactly("image 'img' mounts volume 'data' twice (as 'data' and 'store'; volume_alias names the same volume)"));
  }

  @Test
  void aGivenCertificateIsPemCertificatesWithoutWhatTheCasMakesOneFrom(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-subj", "/CN=bundle", "-keyout", tmp.resolve("ca.key").toString(), "-out", tmp.resolve("ca.pem").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
    assertThat(p.waitFor()).isZero();
    String cert = java.nio.file.Files.readString(tmp.resolve("ca.pem")).strip().replace("\n", "\n      ");
    String key = java.nio.file.Files.readString(tmp.resolve("ca.key")).strip().replace("\n", "\n      ");
    Session ok = parser.parse("s.yaml", """
        name: a
        secrets:
          - name: bundle
            kind: x509-ca
            export_public: true
            value: |
              %s
        """.formatted(cert));
    assertThat(ok.secret("bundle").orElseThrow().value()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        secrets:
          - name: with_key
            kind: x509
            value: |
              %s
              %s
          - name: made_from
            kind: x509-ca
            common_name: ca
            value: |
              %s
          - {name: garbage, kind: x509, value: not a certificate}
          - name: bundle
            kind: x509-ca
            value: |
              %s
          - {name: leaf, kind: x509, issuer: bundle}
        """.formatted(cert, key, cert, cert))).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
            .extracting(PolicyProblem::message).containsExactlyInAnyOrder(
                "certificate 'with_key' holds a PRIVATE KEY block: a given certificate's value is PEM certificates only",
                "certificate 'made_from' is given ('value'): common_name, dns, valid_for, endpoint and key_type are what the CAS"
                    + " makes one from, and a given one carries its own",
                "the value of certificate 'garbage' is not PEM X.509 certificates",
                "issuer 'bundle' is a given certificate without its private key: it cannot sign"));
  }

  @Test
  void aPgpKeyTakesAUserIdAnAlgorithmOfOpenPgpAndAnExpiryAndIsNeverGiven() throws Exception {
    Session ok = parser.parse("s.yaml", """
        name: a
        secrets:
          - {name: p, kind: pgp-key, common_name: 'Bot <bot@example.org>', key_type: RSA-3072, valid_for: 365d, export_public: true}
          - {name: q, kind: pgp-key}
        """);
    assertThat(ok.secrets()).extracting(SecretSpec::hasPublicPart).containsExactly(true, true);
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        secrets:
          - {name: p, kind: pgp-key, key_type: P-256}
          - {name: q, kind: pgp-key, dns: [a.example]}
          - {name: r, kind: pgp-key, value: abc}
          - {name: s, kind: pgp-key, common_name: "two\\nlines"}
        """)).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::message)
            .containsExactly("'P-256' is not an algorithm of OpenPGP keys here",
                "issuer, private_key and san apply to x509 and x509-ca secrets only; a pgp-key takes common_name (its user ID),"
                    + " key_type and valid_for",
                "pgp keys are always generated by the CAS",
                "a pgp-key's user ID (common_name) is one line of text"));
  }

  @Test
  void singletonEnclavesAndAServiceAccessTokenAreReadAndTheTokenIsHashedNeverKept() throws Exception {
    String token = "correct-horse-battery-staple";
    String doc = """
        name: a
        services:
          - {name: x, command: run}
        security:
          singleton_enclaves: true
          service_access_token: %s
          attestation: {tolerate: [simulation]}
        """;
    Session session = parser.parse("s.yaml", doc.formatted(token));
    assertThat(session.security().singleton()).isTrue();
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(session.security().serviceAccessTokenDigest()).isEqualTo(digest);
    String canonical = SessionHash.canonical(session);
    assertThat(canonical).doesNotContain(token).contains("\"service_access_token\":\"sha256:"
        + java.util.HexFormat.of().formatHex(digest) + "\"").contains("\"singleton_enclaves\":true");
    assertThat(session.toString()).doesNotContain(token);
    // the digest written in the document is the same session: one hash whichever way the token is given
    Session byDigest = parser.parse("s.yaml", doc.formatted("sha256:" + java.util.HexFormat.of().formatHex(digest)));
    assertThat(SessionHash.of(byDigest)).isEqualTo(SessionHash.of(session));
    // a document without them keeps the hash it had: nothing is added to its canonical form
    assertThat(SessionHash.canonical(parser.parse("s.yaml", "name: a\nservices:\n  - {name: x, command: run}\n")))
        .doesNotContain("singleton").doesNotContain("service_access_token");

    for (String bad : new String[] {"short-token", "$$SCONE::tok$$", "sha256:ABC"}) {
      assertThatThrownBy(() -> parser.parse("s.yaml", doc.formatted("'" + bad + "'")))
          .isInstanceOfSatisfying(PolicyException.class, e -> {
            assertThat(e.problems()).singleElement().satisfies(p -> {
              assertThat(p.message()).startsWith("service_access_token").doesNotContain(bad);
              assertThat(p.hint()).doesNotContain(bad);
              assertThat(p.where().line()).isEqualTo(6);
            });
          });
    }
  }

  @Test
  void aOneTimePasswordKeyIsReadAsAnAuthenticatorsBase32AndABadOneIsNotRepeated() throws Exception {
    String doc = """
        name: a
        services: [{name: x, image_name: i, command: run}]
        images: [{name: i}]
        security: {attestation: {one_time_password_shared_secret: '%s'}}
        """;
    Session s = parser.parse("s.yaml", doc.formatted("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
    assertThat(s.security().attestation().needsOneTimePassword()).isTrue();
    assertThat(s.security().attestation().oneTimePasswordKey()).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    // 21 bytes: padded to whole groups of 8 characters
    assertThat(parser.parse("s.yaml", doc.formatted("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE")).security().attestation()
        .oneTimePasswordKey()).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======");
    assertThat(s.security().attestation().toString()).doesNotContain("GEZD");
    assertThat(parser.parse("s.yaml", doc.replace("one_time_password_shared_secret: '%s'", "mode: hardware")).security().attestation()
        .needsOneTimePassword()).isFalse();
    for (String bad : List.of("GEZDGNBVGY3TQOJQ", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQG")) {
      assertThatThrownBy(() -> parser.parse("s.yaml", doc.formatted(bad))).isInstanceOfSatisfying(PolicyException.class,
          e -> assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("one_time_password_shared_secret is not a base32 key of at least 16 bytes");
            assertThat(p.message() + p.hint()).doesNotContain(bad);
          }));
    }
    assertThatThrownBy(() -> parser.parse("s.yaml", doc.formatted("$$SCONE::otp:base64$$"))).hasMessageContaining(
        "one_time_password_shared_secret cannot be a placeholder");
  }

  @Test
  void aConfigFragmentStandsForAccessPolicyEntriesAndAttestationAlternatives() throws Exception {
    String owner = "a".repeat(64);
    Session s = parser.parse("s.yaml", """
        name: a
        access_policy:
          read: [CREATOR, $$SCONE::readers$$]
          update: $$CONFIDE::owner$$
        services:
          - name: x
            image_name: i
            command: run
            environment: {READERS: $$SCONE::readers$$}
            attestation: [$$SCONE::measured$$, {mrenclave: [%s]}]
        images: [{name: i}]
        secrets:
          - {name: readers, kind: config-fragment, value: [ANY]}
          - {name: owner, kind: config-fragment, value: %s}
          - name: measured
            kind: config-fragment
            value: {mrenclave: ['%s'], isvsvn: 0012}
          - {name: plain, kind: ascii, value: 0123}
        """.formatted("b".repeat(64), owner, "c".repeat(64)));
    assertThat(s.accessPolicy().read()).containsExactly("CREATOR", "ANY");
    assertThat(s.accessPolicy().update()).containsExactly(owner);
    assertThat(s.services().get(0).attestation()).extracting(Service.AttestationAlternative::mrenclave)
        .containsExactly(List.of("c".repeat(64)), List.of("b".repeat(64)));
    assertThat(s.services().get(0).attestation().get(0).isvsvn()).isEqualTo(12);
    // elsewhere the fragment is a secret: its JSON text; other values keep their text exactly
    assertThat(s.services().get(0).environment()).containsEntry("READERS", "$$SCONE::readers$$");
    assertThat(s.secret("readers").orElseThrow().value()).isEqualTo("[\"ANY\"]");
    assertThat(s.secret("plain").orElseThrow().value()).isEqualTo("0123");
  }

  @Test
  void aFragmentOfTheWrongShapeOrAPlaceholderForAnotherKindIsRefusedAndAnImportedOneIsLeftToTheCas() throws Exception {
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        access_policy: {read: [$$SCONE::alt$$, $$SCONE::token$$]}
        services: [{name: x, image_name: i, command: run, attestation: [$$SCONE::readers$$]}]
        images: [{name: i}]
        secrets:
          - {name: readers, kind: config-fragment, value: [ANY]}
          - {name: alt, kind: config-fragment, value: {mrenclave: []}}
          - {name: token, kind: ascii}
          - {name: empty, kind: config-fragment}
        """)).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::message)
            .contains("config-fragment 'alt' holds a mapping where access_policy entries (texts) go",
                "'$$...::token$$' stands for a part of the policy, and 'token' is not a config-fragment secret of this session",
                "config-fragment 'readers' holds a text where attestation alternatives (mappings) go",
                "config-fragment 'empty' has no 'value'"));
    String imports = """
        name: a
        access_policy: {read: [CREATOR, $$SCONE::readers$$]}
        services: [{name: x, image_name: i, command: run}]
        images: [{name: i}]
        secrets: [{name: readers, import: {session: corp, secret: owners}}]
        """;
    // lint: no CAS to ask, the rest is checked
    assertThat(parser.parse("s.yaml", imports).accessPolicy().read()).containsExactly("CREATOR");
    // the CAS: what the exporter's fragment holds
    assertThat(parser.parse("s.yaml", imports, (importer, session, secret) -> {
      assertThat(List.of(importer, session, secret)).containsExactly("a", "corp", "owners");
      return new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add("d".repeat(64));
    }).accessPolicy().read()).containsExactly("CREATOR", "d".repeat(64));
  }

  @Test
  void sconesDottedCertificatePartsNameTheSecretUnlessASecretHasTheDottedName() throws Exception {
    Session s = parser.parse("s.yaml", """
        name: a
        services: [{name: x, image_name: i, command: run}]
        images:
          - name: i
            injection_files:
              - {path: /tls/server.crt, content: $$SCONE::server.crt$$}
              - {path: /tls/server.key, content: $$SCONE::server.key$$}
              - {path: /tls/ca.crt, content: $$SCONE::ca.chain$$}
              - {path: /tls/note, content: $$SCONE::note.crt$$}
        secrets:
          - {name: ca, kind: x509-ca}
          - {name: server, kind: x509, issuer: ca}
          - {name: note.crt, kind: ascii}
        """);
    assertThat(s.images().get(0).injectionFiles()).hasSize(4);
    assertThatThrownBy(() -> parser.parse("s.yaml", """
        name: a
        services: [{name: x, image_name: i, command: run}]
        images: [{name: i, injection_files: [{path: /tls/x, content: $$SCONE::other.crt$$}]}]
        """)).hasMessageContaining("$$SCONE::other.crt$$ names a secret that 'secrets' does not define");
  }

  @Test
  void aSconeFileShieldIsKeptAndKnownAsSuchNotTakenForAMistypedTag() throws Exception {
    Session s = parser.parse("s.yaml", """
        name: a
        services: [{name: x, image_name: i, command: run, fspf_path: /fs.fspf, fspf_key: %s, fspf_tag: %s}]
        images: [{name: i, volumes: [{name: v, path: /v}]}]
        volumes: [{name: v, fspf_key: %s, fspf_tag: %s}]
        """.formatted("ab".repeat(32), "cd".repeat(16), "ab".repeat(32), "cd".repeat(16)));
    assertThat(s.service("x").orElseThrow().sconeFileShield()).isTrue();
    assertThat(s.volume("v").orElseThrow().sconeFileShield()).isTrue();
    // kept and hashed: the key as its digest, the tag as written
    assertThat(SessionHash.canonical(s)).doesNotContain("ab".repeat(32)).contains("cd".repeat(16));
    assertThat(SessionNotes.of(s)).containsExactly(
        "service 'x': its fspf_tag is a SCONE file shield's (16 bytes): kept, and the CAS refuses to start it, since Confide's"
            + " runtime cannot open SCONE's file shield",
        "volume 'v': its fspf_tag is a SCONE file shield's (16 bytes): kept, and the CAS refuses to open it, since Confide's"
            + " runtime cannot open SCONE's file shield");
  }

  private static String sconeAttestation(String m1, String m2, int isvsvn) {
    return """
        name: a
        version: "0.3.10"
        services:
          - {name: short, command: run, mrenclaves: [%s, %s]}
          - {name: mapping, command: run, attestation: {mrenclave: [%s]}}
          - name: both
            command: run
            mrenclaves: [%s]
            attestation: [{mrenclave: [%s]}]
          - name: sgx
            command: run
            attestation: {mrsigner: %s, isvprodid: 41, isvsvn: %d, platforms: [%s]}
        security: {attestation: {tolerate: [simulation, aepic-leak, hyperthreading]}}
        """.formatted(m1, m2, m1, m1, m2, m1, isvsvn, "c".repeat(64));
  }

  @Test
  void sconesAttestationShapesAreRead() throws Exception {
    String m1 = "a".repeat(64);
    String m2 = "b".repeat(64);
    Session s = parser.parse("s.yaml", sconeAttestation(m1, m2, 2));
    assertThat(s.service("short").orElseThrow().attestation()).extracting(Service.AttestationAlternative::mrenclave)
        .containsExactly(List.of(m1, m2));
    assertThat(s.service("mapping").orElseThrow().attestation()).extracting(Service.AttestationAlternative::mrenclave)
        .containsExactly(List.of(m1));
    assertThat(s.service("both").orElseThrow().attestation()).extracting(Service.AttestationAlternative::mrenclave)
        .containsExactly(List.of(m2), List.of(m1));
    Service.AttestationAlternative sgx = s.service("sgx").orElseThrow().attestation().getFirst();
    assertThat(sgx.sgx()).isTrue();
    assertThat(sgx.hardware()).isTrue();
    assertThat(sgx.mrsigner()).containsExactly(m1);
    assertThat(sgx.isvprodid()).isEqualTo(41);
    // the SGX fields are part of the session: a changed one changes its hash
    assertThat(SessionHash.of(parser.parse("s.yaml", sconeAttestation(m1, m2, 3)))).isNotEqualTo(SessionHash.of(s));
    // the shorthand and the long form are one session
    assertThat(SessionHash.of(parser.parse("s.yaml", "name: a\nservices:\n  - {name: x, command: run, mrenclaves: [" + m1 + "]}\n")))
        .isEqualTo(SessionHash.of(parser.parse("s.yaml", "name: a\nservices:\n  - {name: x, command: run, attestation: [{mrenclave: ["
            + m1 + "]}]}\n")));
    refused("name: a\nservices:\n  - {name: x, command: run, attestation: {mrsigner: nothex, isvprodid: 70000}}\n",
        "s.yaml:3:42: 'nothex' is not an MRSIGNER (and 1 more problems)");
    refused("name: a\nservices:\n  - {name: x, command: run, attestation: [{isvsvn: 1, snp: {vmpl: 0}}]}\n",
        "s.yaml:3:43: an attestation alternative names SGX fields (mrsigner, isvprodid, isvsvn, platforms) and snp or tdx");
  }

  @Test
  void legacySessionsAreRefusedWithTheWayToMoveThem() {
    for (String version : List.of("\"0.2\"", "0.2", "\"0.1\"", "\"0.2.1\"")) {
      assertThatThrownBy(() -> parser.parse("s.yaml", "name: a\nversion: " + version + "\n")).as(version)
          .isInstanceOfSatisfying(PolicyException.class, e -> {
            assertThat(e.getMessage()).startsWith("s.yaml:2:10: this is a SCONE v0.").endsWith("session; Confide reads the v0.3 session language");
            assertThat(e.hint()).contains("version: \"0.3\"").contains("confide session lint");
          });
    }
  }

  @Test
  void sconesSecretSpellingsAndExportFormsAreRead() throws Exception {
    Session s = parser.parse("s.yaml", """
        name: a
        secrets:
          - {name: key, kind: private-key, key_type: P-384, export: b}
          - {name: cert, kind: x509, private_key: key, dns: [svc.example], endpoint: server, export: [b, c]}
          - {name: tok, kind: ascii, export: [{namespace: team}]}
        """);
    assertThat(s.secret("key").orElseThrow().algorithm()).isEqualTo("P-384");
    assertThat(s.secret("key").orElseThrow().export()).extracting(Export::session).containsExactly("b");
    assertThat(s.secret("cert").orElseThrow().san()).containsExactly("svc.example");
    assertThat(s.secret("cert").orElseThrow().export()).extracting(Export::session).containsExactly("b", "c");
    Export namespace = s.secret("tok").orElseThrow().export().getFirst();
    assertThat(namespace.admits("team/app")).isTrue();
    assertThat(namespace.admits("teammate/app")).isFalse();
    assertThat(namespace.admits("team")).isFalse();
    refused("name: a\nsecrets:\n  - {name: k, kind: private-key, endpoint: server}\n",
        "s.yaml:3:44: 'endpoint' applies to x509 secrets only");
    refused("name: a\nsecrets:\n  - {name: k, kind: private-key}\n  - {name: c, kind: x509, private_key: k, endpoint: peer}\n",
        "s.yaml:4:53: 'peer' is not an endpoint");
    refused("name: a\nsecrets:\n  - {name: k, kind: ascii, export: [{namespace: team, session: b}]}\n",
        "s.yaml:3:37: an export names both 'session' and 'namespace'");
  }

  @Test
  void aSessionIsOneYamlDocumentAndNothingFollowsItsEnd() throws Exception {
    assertThat(parser.parse("s.yaml", "---\nname: a\n...\n").name()).isEqualTo("a");
    assertThat(parser.parse("s.yaml", "name: a\n---\n").name()).isEqualTo("a");
    refused("name: a\nservices:\n  - {name: x, command: run}\n...\nsecrets: [{name: s, kind: ascii}]\n",
        "s.yaml:5:1: the session ended at line 4 ('...'), and more follows");
    refused("name: a\n---\nname: b\n", "s.yaml:2:1: the file holds 2 YAML documents with content (the second starts here)");
  }

  @Test
  void anchorsAndAliasesAreResolvedWithinLimits() throws Exception {
    Session s = parser.parse("s.yaml", """
        name: a
        services:
          - &base {name: x, command: &cmd "run --fast", pwd: /app}
          - <<: *base
            name: y
          - {name: z, command: *cmd}
        """);
    assertThat(s.service("y").orElseThrow().command()).isEqualTo("run --fast");
    assertThat(s.service("y").orElseThrow().pwd()).isEqualTo("/app");
    assertThat(s.service("z").orElseThrow().command()).isEqualTo("run --fast");
    // an alias is its anchor's value, never its name as text
    refused("name: a\nversion: &v \"0.3\"\nservices:\n  - {name: x, command: run, pwd: *v}\n",
        "s.yaml:4:34: 'pwd' must be an absolute path");
    StringBuilder laughs = new StringBuilder("name: a\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 9; i++) {
      laughs.append("x").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(8))
          .append("*a").append(i - 1).append("]\n");
    }
    assertThatThrownBy(() -> parser.parse("s.yaml", laughs.toString())).isInstanceOfSatisfying(PolicyException.class,
        e -> assertThat(e.getMessage()).startsWith("s.yaml:1:1: the session's aliases cannot be resolved within limits"));
    // an anchor inside its own value: refused, not followed forever
    refused("name: a\nservices: &s\n  - {name: x, command: run}\n  - *s\n",
        "s.yaml:3:12: aliases expand the session beyond 100000 values or 64 levels");
  }

  @Test
  void sconesVolumeKeySpellingIsAVolumeKey() throws Exception {
    String key = "ab".repeat(32);
    String tag = "cd".repeat(32);
    Session s = parser.parse("s.yaml", "name: a\nvolumes:\n  - {name: v, fspf_key: " + key + ", fspf_tag: " + tag + "}\n");
    assertThat(s.volume("v").orElseThrow().key()).isEqualTo(key);
    assertThat(SessionHash.of(s)).isEqualTo(SessionHash.of(parser.parse("s.yaml",
        "name: a\nvolumes:\n  - {name: v, key: " + key + ", tag: " + tag + "}\n")));
    refused("name: a\nvolumes:\n  - {name: v, fspf_key: " + key + ", fspf_tag: " + "cd".repeat(20) + "}\n",
        "s.yaml:3:5: a volume 'tag' must be 64 lower-case hex digits");
  }
}
