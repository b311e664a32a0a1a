package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000's two sessions over real HTTPS: the image creator (alice) defines and exports the
 * {@code blender} service and its image; a user (bob) imports both and brings only volumes. The
 * run gets the creator's command, environment, tree key and the secrets its definition names; the
 * user's volumes; and both sessions' rules on the evidence.
 */
class ImportedServiceTest {
  static final String TREE_KEY = "ab".repeat(32);
  static final String TREE_TAG = "cd".repeat(32);

  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient bob;
  CasClient runtime;
  HostKey host;
  Measurement measurement;

  static String creator(String measurement, String serviceExport, String imageExport, String imageMrenclaves) {
    return """
        name: studio
        version: "0.3"
        services:
          - name: blender
            image_name: blender_image
            mrenclaves: [%s]
            pwd: /work
            command: python3 -b -P /encryptedInputs/main.py
            environment: {LICENSE: $$SCONE::license$$}
            fspf_path: /app/blender/.confide-tree
            fspf_key: %s
            fspf_tag: %s
            export: %s
        images:
          - name: blender_image
            mrenclaves: %s
            volumes:
              - {name: encrypted-input-files, path: /encryptedInputs, read_only: true}
              - {name: encrypted-output-files, path: /encryptedOutputs}
            injection_files:
              - {path: /encryptedOutputs/licence.txt, content: "key $$CONFIDE::license$$"}
              - {path: /encryptedOutputs/mark.txt, content: "$$CONFIDE::watermark$$"}
            export: %s
        secrets:
          - {name: license, kind: ascii, size: 24}
          - {name: watermark, kind: ascii, size: 12}
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(measurement, TREE_KEY, TREE_TAG, serviceExport, imageMrenclaves, imageExport);
  }

  static String user(String extraService, String extraSecrets) {
    return user("studio", extraService, extraSecrets);
  }

  static String user(String serviceFrom, String extraService, String extraSecrets) {
    return """
        name: render-job
        version: "0.3"
        services:
          - name: blender
            import: %s
        %s
        images:
          - name: blender_image
            import: studio
        volumes:
          - name: encrypted-input-files
          - name: encrypted-output-files
        %s
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(serviceFrom, extraService, extraSecrets);
  }

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    bob = cas.client(cas.bob);
    runtime = cas.client(null);
    host = HostKey.create(tmp.resolve("host/host-key"));
    measurement = CasFixture.measuredProgram(tmp);
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    bob.close();
    runtime.close();
    cas.close();
  }

  private AttestRequest request(String session, RuntimeKey key) {
    return AttestationHandshakeTest.request(host, session, "blender", runtime.nonce(), key, key.publicKeyset(), measurement);
  }

  private static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String error, String part) {
    AttestationHandshakeTest.refused(call, status, error, part);
  }

  @Test
  void theImportedServiceRunsAsItsCreatorDefinesItWithTheUsersVolumes() throws Exception {
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]"));
    alice.trustSimHost(host.keyHash());
    bob.createSession(user("", ""));
    bob.trustSimHost(host.keyHash());

    RuntimeKey key = RuntimeKey.generate();
    RunConfiguration config = key.open(runtime.attest(request("render-job", key)));
    assertThat(config.session()).isEqualTo("render-job");
    assertThat(config.service()).isEqualTo("blender");
    assertThat(config.command()).isEqualTo("python3 -b -P /encryptedInputs/main.py");
    assertThat(config.pwd()).isEqualTo("/work");
    assertThat(config.environment()).containsEntry("LICENSE", "$$SCONE::license$$");
    assertThat(config.imageTree().key()).isEqualTo(TREE_KEY);
    assertThat(config.imageTree().tag()).isEqualTo(TREE_TAG);
    // the creator's secret its definition names goes with it; the user never reads it
    byte[] license = cas.server.service().secretValues("studio", "test").get("license");
    assertThat(Base64.getDecoder().decode(config.secrets().get("license"))).isEqualTo(license);
    assertThat(config.injectionFiles()).extracting(RunConfiguration.InjectionFile::content)
        .containsExactly("key $$CONFIDE::license$$", "$$CONFIDE::watermark$$");
    // a secret only the image's files name goes with the run too; one no definition names does not
    byte[] watermark = cas.server.service().secretValues("studio", "test").get("watermark");
    assertThat(Base64.getDecoder().decode(config.secrets().get("watermark"))).isEqualTo(watermark);
    assertThat(config.secrets()).containsOnlyKeys("license", "watermark");
    // the volumes are the user's: their keys are render-job's, mounted where the creator's image says
    assertThat(config.mounts()).extracting(RunConfiguration.Mount::path).containsExactly("/encryptedInputs", "/encryptedOutputs");
    assertThat(config.mounts()).extracting(RunConfiguration.Mount::readOnly).containsExactly(true, false);
    assertThat(config.mounts().get(1).key().copyBytes())
        .isEqualTo(cas.server.service().volumeKey("render-job", "encrypted-output-files", "test"));
    // the plan step tells the runtime the creator's program too
    RuntimeKey planKey = RuntimeKey.generate();
    assertThat(planKey.openPlan(runtime.plan(request("render-job", planKey))).executable()).isEqualTo("python3");
  }

  @Test
  void theCreatorsAuthenticatorGuardsItsServiceInEveryImporter() throws Exception {
    String key = OneTimePasswordTest.KEY;
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]").replace("tolerate: [simulation]",
        "tolerate: [simulation], one_time_password_shared_secret: " + key));
    alice.trustSimHost(host.keyHash());
    bob.createSession(user("", ""));
    bob.trustSimHost(host.keyHash());
    RuntimeKey first = RuntimeKey.generate();
    refused(() -> runtime.attest(request("render-job", first)), 403, "otp_missing", "session studio needs a one-time password");
    RuntimeKey second = RuntimeKey.generate();
    AttestRequest r = request("render-job", second);
    String code = OneTimePasswordTest.codeAt(dev.confide.cas.common.Totp.step(System.currentTimeMillis()));
    RunConfiguration config = second.open(runtime.attest(new AttestRequest(r.session(), r.service(), r.nonce(), r.platform(),
        r.evidence(), r.runtimeKey(), r.runKey(), code, null)));
    assertThat(config.session()).isEqualTo("render-job");
    // the importer's run spent the creator's code: it starts nothing else
    RuntimeKey third = RuntimeKey.generate();
    AttestRequest again = request("render-job", third);
    refused(() -> runtime.attest(new AttestRequest(again.session(), again.service(), again.nonce(), again.platform(),
        again.evidence(), again.runtimeKey(), again.runKey(), code, null)), 403, "otp_reused", "already used for session studio");
  }

  @Test
  void theCreatorsRulesOnEvidenceApplyToo() throws Exception {
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]"));
    bob.createSession(user("", ""));
    // only the user vouches for this host: the creator's definition (and its tree key) is not released on it
    bob.trustSimHost(host.keyHash());
    RuntimeKey key = RuntimeKey.generate();
    refused(() -> runtime.attest(request("render-job", key)), 403, "attestation_untrusted_host", "does not trust");
    alice.trustSimHost(host.keyHash());
    assertThat(key.open(runtime.attest(request("render-job", key))).imageTree().key()).isEqualTo(TREE_KEY);
  }

  @Test
  void anImportTheCreatorDoesNotExportIsRefused() throws Exception {
    alice.createSession(creator(measurement.value(), "[other]", "\"*\"", "[]"));
    refused(() -> bob.createSession(user("", "")), 409, "import_refused", "does not export service blender to render-job");
    refused(() -> bob.createSession(user("nowhere", "", "")),
        409, "import_unresolved", "imports from session nowhere, which does not exist");
  }

  @Test
  void aRestatedCommandMustBeTheCreatorsAndSecretsMustNotShadowTheCreators() throws Exception {
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]"));
    refused(() -> bob.createSession(user("    command: python3 -c 'import os; print(os.environ)'", "")), 409, "import_refused",
        "restates its command");
    // seed 000 restates the command exactly: accepted
    bob.createSession(user("    command: python3 -b -P /encryptedInputs/main.py\n    pwd: /work", ""));
    refused(() -> bob.createSession(user("", "secrets: [{name: license, kind: ascii}]").replace("render-job", "job-2")), 409,
        "import_conflict", "uses secret license of session studio");
  }

  @Test
  void theImportersImageMayNotShadowTheCreatorsVerifiedFiles() throws Exception {
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]"));
    // its own image, with a file inside the creator's authenticated tree (/app/blender), then a volume over it
    String shadowing = """
        name: shadow
        services:
          - {name: blender, import: studio, image_name: mine}
        images:
          - name: mine
            volumes: [{name: evil, path: /srv/x}]
            injection_files: [{path: /app/blender/lib/evil.py, content: "import os"}]
        volumes: [{name: evil}]
        """;
    refused(() -> bob.createSession(shadowing), 409, "import_refused",
        "image mine puts injection file at /app/blender/lib/evil.py, over /app/blender, which service blender (as session studio"
            + " defines it) loads verified files from");
    refused(() -> bob.createSession(shadowing.replace("/app/blender/lib/evil.py", "/srv/notes.txt").replace("/srv/x", "/app")),
        409, "import_refused", "image mine puts volume evil at /app, over /app/blender");
    bob.createSession(shadowing.replace("/app/blender/lib/evil.py", "/srv/notes.txt"));
  }

  @Test
  void anImportedImageNeedsTheUsersVolumes() throws Exception {
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]"));
    refused(() -> bob.createSession(user("", "").replace("  - name: encrypted-output-files\n", "")), 409, "import_unresolved",
        "mounts volume encrypted-output-files at /encryptedOutputs, which session render-job does not declare");
  }

  @Test
  void anImageAdmitsOnlyTheMeasurementsItLists() throws Exception {
    alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[" + "e".repeat(64) + "]"));
    alice.trustSimHost(host.keyHash());
    bob.createSession(user("", ""));
    bob.trustSimHost(host.keyHash());
    RuntimeKey key = RuntimeKey.generate();
    refused(() -> runtime.attest(request("render-job", key)), 403, "attestation_measurement_not_allowed",
        "image blender_image of session render-job admits only the measurements its 'mrenclaves' lists");
  }

  @Test
  void aWithdrawnExportStopsTheNextRunAndIsToldOnlyToTrustedHosts() throws Exception {
    String created = alice.createSession(creator(measurement.value(), "\"*\"", "\"*\"", "[]")).hash();
    bob.createSession(user("", ""));
    alice.updateSession("studio", creator(measurement.value(), "[other]", "\"*\"", "[]") + "predecessor: " + created + "\n");
    RuntimeKey key = RuntimeKey.generate();
    // an untrusted host learns nothing of the import
    refused(() -> runtime.attest(request("render-job", key)), 403, "attestation_untrusted_host", "does not trust");
    bob.trustSimHost(host.keyHash());
    refused(() -> runtime.attest(request("render-job", key)), 409, "import_refused", "does not export service blender");
  }
}
