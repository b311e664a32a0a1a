package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionHashTest {
  private final SessionParser parser = new SessionParser();

  private String hash(String text) throws PolicyException {
    return SessionHash.of(parser.parse("s.yaml", text));
  }

  @Test
  void keyOrderCommentsAndExplicitDefaultsDoNotChangeTheHash() throws Exception {
    String a = hash("name: a/b\nservices:\n  - name: x\n    command: run\n");
    String b = hash("# a comment\nservices:\n  - command: run\n    name: x\n    pwd: /\nname: a/b\n"
        + "access_policy:\n  read: [CREATOR]\n");
    assertThat(a).isEqualTo(b).hasSize(64);
  }

  @Test
  void everyMeaningfulChangeChangesTheHash() throws Exception {
    String base = hash("name: a/b\nservices:\n  - name: x\n    command: run\n");
    assertThat(hash("name: a/b\nservices:\n  - name: x\n    command: run2\n")).isNotEqualTo(base);
    assertThat(hash("name: a/c\nservices:\n  - name: x\n    command: run\n")).isNotEqualTo(base);
    assertThat(hash("name: a/b\nservices:\n  - name: x\n    command: run\n    environment: {A: b}\n")).isNotEqualTo(base);
    assertThat(hash("name: a/b\naccess_policy: {read: [ANY]}\nservices:\n  - name: x\n    command: run\n")).isNotEqualTo(base);
    assertThat(hash("name: a/b\npredecessor: " + base + "\nservices:\n  - name: x\n    command: run\n")).isNotEqualTo(base);
  }

  @Test
  void theCanonicalFormHoldsADigestOfAGivenValueNeverTheValue() throws Exception {
    Session s = parser.parse("s.yaml", "name: a/b\nsecrets:\n  - name: pw\n    kind: ascii\n    value: hunter2-very-secret\n");
    String canonical = SessionHash.canonical(s);
    assertThat(canonical).doesNotContain("hunter2").contains("\"value_sha256\":\"" + SessionHash.sha256("hunter2-very-secret".getBytes()) + "\"");
    assertThat(s.toString()).doesNotContain("hunter2");
    assertThat(s.secrets().getFirst().toString()).doesNotContain("hunter2");
    assertThat(SessionHash.of(parser.parse("s.yaml", "name: a/b\nsecrets:\n  - name: pw\n    kind: ascii\n    value: other\n")))
        .isNotEqualTo(SessionHash.of(s));
  }

  @Test
  void theCanonicalFormIsSortedAndCompact() throws Exception {
    String canonical = SessionHash.canonical(parser.parse("s.yaml", "name: a/b\nversion: \"1\"\n"));
    assertThat(canonical).startsWith("{\"access_policy\":{\"create_sessions\":[\"CREATOR\"],\"read\":[\"CREATOR\"],\"update\":[\"CREATOR\"]},\"images\":[]")
        .doesNotContain(" ").doesNotContain("\n").endsWith(",\"version\":\"1\",\"volumes\":[]}");
  }

  @Test
  void importsAndExportsOfServicesAndImagesLeaveOlderDocumentsCanonicalFormAsItWas() throws Exception {
    // pinned exports name hashes computed before services and images could be exported
    String canonical = SessionHash.canonical(parser.parse("s.yaml",
        "name: a\nservices: [{name: x, command: run, image_name: i}]\nimages: [{name: i}]\n"));
    assertThat(canonical).contains("\"images\":[{\"injection_files\":[],\"name\":\"i\",\"volumes\":[]}]")
        .doesNotContain("export").doesNotContain("mrenclaves").doesNotContain("import");
    String base = hash("name: a\nservices: [{name: x, command: run, image_name: i}]\nimages: [{name: i}]\n");
    assertThat(hash("name: a\nservices: [{name: x, command: run, image_name: i, export: b}]\nimages: [{name: i}]\n"))
        .isNotEqualTo(base);
    assertThat(hash("name: a\nservices: [{name: x, command: run, image_name: i}]\nimages: [{name: i, export: b}]\n"))
        .isNotEqualTo(base);
    assertThat(hash("name: a\nservices: [{name: x, command: run, image_name: i}]\nimages: [{name: i, mrenclaves: ["
        + "a".repeat(64) + "]}]\n")).isNotEqualTo(base);
    assertThat(hash("name: a\nservices: [{name: x, import: b, image_name: i}]\nimages: [{name: i}]\n")).isNotEqualTo(base);
  }

  @Test
  void aGivenVolumeKeyIsHashedInTheCanonicalFormAndNeverShown() throws Exception {
    String key = "ab".repeat(32);
    Session s = parser.parse("s.yaml", "name: a/b\nvolumes:\n  - name: inputs\n    key: " + key + "\n    tag: " + "cd".repeat(32) + "\n");
    assertThat(SessionHash.canonical(s)).doesNotContain(key)
        .contains("\"key_sha256\":\"" + SessionHash.sha256(key.getBytes()) + "\"").contains("cd".repeat(32));
    assertThat(s.volumes().getFirst().toString()).doesNotContain(key).contains("key given");
    assertThat(SessionHash.of(parser.parse("s.yaml", "name: a/b\nvolumes:\n  - name: inputs\n    key: " + "ef".repeat(32) + "\n")))
        .isNotEqualTo(SessionHash.of(s));
  }

  @Test
  void aLiteralTreeKeyIsHashedAndAPlaceholderKept() throws Exception {
    String key = "9a".repeat(32);
    String base = "name: a/b\nservices:\n  - name: x\n    command: run\n    fspf_path: /app/.confide-tree\n    fspf_tag: "
        + "cd".repeat(32) + "\n    fspf_key: ";
    String literal = SessionHash.canonical(parser.parse("s.yaml", base + key + "\n"));
    assertThat(literal).doesNotContain(key).contains("\"fspf_key_sha256\":\"" + SessionHash.sha256(key.getBytes()) + "\"");
    String placeholder = SessionHash.canonical(parser.parse("s.yaml", base + "$$CONFIDE::k:hex$$\nsecrets: [{name: k, kind: binary}]\n"));
    assertThat(placeholder).contains("\"fspf_key\":\"$$CONFIDE::k:hex$$\"");
  }
}
