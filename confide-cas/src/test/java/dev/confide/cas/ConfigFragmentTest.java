package dev.confide.cas;

import static dev.confide.cas.AttestationHandshakeTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's config-fragment secrets imported from another session, over real HTTPS: the exporter's
 * fragment becomes the importer's access policy and attestation alternatives, as it was when the
 * importer was created or updated; only an exported config-fragment is imported.
 */
class ConfigFragmentTest {
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient bob;
  CasClient runtime;
  HostKey host;
  Measurement measurement;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    bob = cas.client(cas.bob);
    runtime = cas.client(null);
    host = HostKey.create(tmp.resolve("host/host-key"));
    measurement = CasFixture.measuredProgram(tmp);
    alice.trustSimHost(host.keyHash());
    alice.createSession(corp(cas.bob.keyHash(), measurement.value()));
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    bob.close();
    runtime.close();
    cas.close();
  }

  /** The session that keeps the company's fragments: who may read, and what may run. */
  static String corp(String reader, String measurement) {
    return """
        name: corp
        secrets:
          - {name: readers, kind: config-fragment, value: ['%s'], export: [app]}
          - name: approved
            kind: config-fragment
            value: {mrenclave: ['%s']}
            export: app
          - {name: hidden, kind: config-fragment, value: [ANY]}
          - {name: token, kind: ascii, export: app}
        """.formatted(reader, measurement);
  }

  static final String APP = """
      name: app
      access_policy: {read: [CREATOR, $$SCONE::readers$$]}
      services:
        - name: svc
          image_name: img
          command: python3 /in/main.py
          attestation: [$$SCONE::approved$$]
      images: [{name: img}]
      secrets:
        - {name: readers, import: {session: corp, secret: readers}}
        - {name: approved, import: {session: corp, secret: approved}}
      security: {attestation: {tolerate: [simulation]}}
      """;

  @Test
  void theExportersFragmentsAreTheImportersAccessPolicyAndAttestation() throws Exception {
    refused(() -> bob.session("app"), 404, "not_found", "");
    alice.createSession(APP);
    // bob is among corp's readers, so he reads app
    assertThat(bob.session("app").name()).isEqualTo("app");
    RuntimeKey key = RuntimeKey.generate();
    assertThat(key.open(runtime.attest(AttestationHandshakeTest.request(host, "app", runtime.nonce(), key, key.publicKeyset(),
        measurement))).command()).isEqualTo("python3 /in/main.py");
    // another measurement is not among corp's approved ones
    Measurement other = new dev.confide.attest.Measurer("e".repeat(64)).measure(java.util.List.of(tmp.resolve("python3").toString()), null);
    RuntimeKey key2 = RuntimeKey.generate();
    refused(() -> runtime.attest(AttestationHandshakeTest.request(host, "app", runtime.nonce(), key2, key2.publicKeyset(), other)),
        403, "attestation_measurement_not_allowed", "");
  }

  @Test
  void theImporterKeepsTheFragmentAsItWasUntilItIsUpdated() throws Exception {
    String created = alice.createSession(APP).hash();
    String corpHash = alice.session("corp").hash();
    alice.updateSession("corp", "predecessor: " + corpHash + "\n" + corp("f".repeat(64), measurement.value()));
    assertThat(bob.session("app").hash()).as("the fragment app was created with still applies").isEqualTo(created);
    String updated = alice.updateSession("app", "predecessor: " + created + "\n" + APP).hash();
    assertThat(updated).as("the hash covers the fragment's value").isNotEqualTo(created);
    refused(() -> bob.session("app"), 403, "forbidden", "");
  }

  @Test
  void onlyAnExportedConfigFragmentOfAnExistingSessionIsImported() {
    refused(() -> alice.createSession(APP.replace("secret: readers", "secret: hidden")), 409, "import_refused",
        "session corp does not export secret hidden to app");
    refused(() -> alice.createSession(APP.replace("secret: readers", "secret: token")), 409, "import_refused",
        "secret token of session corp is not a config-fragment");
    refused(() -> alice.createSession(APP.replace("session: corp, secret: readers", "session: gone, secret: readers")), 409,
        "import_unresolved", "session gone, which does not exist");
    refused(() -> alice.createSession(APP.replace("name: app", "name: other")), 409, "import_refused",
        "session corp does not export secret readers to other");
  }
}
