package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a user types: results, exit codes, one-line errors, no secrets in output. */
class CliTest {
  @TempDir Path tmp;
  Path src;

  record Result(int code, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  static Result confide(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void source() throws IOException {
    src = Files.createDirectories(tmp.resolve("src/sub"));
    Files.writeString(tmp.resolve("src/hello.txt"), "hello");
    Files.writeString(src.resolve("n"), "1");
    src = tmp.resolve("src");
    // Large enough for an object of its own; the two small files share a pack.
    Files.write(src.resolve("large.bin"), new byte[300_000]);
  }

  private JsonNode seal(Path vol, Path key) throws IOException {
    Result r = confide("volume", "seal", src.toString(), vol.toString(), "--key-out", key.toString(), "--json");
    assertThat(r.code).as(r.err).isZero();
    return r.json();
  }

  @Test
  void sealVerifyUpdateOpenShowEndToEnd() throws IOException {
    Path vol = tmp.resolve("vol");
    Path key = tmp.resolve("k");
    JsonNode sealed = seal(vol, key);
    assertThat(sealed.get("generation").asInt()).isEqualTo(1);
    assertThat(sealed.get("files").asInt()).isEqualTo(3);
    String tag = sealed.get("tag").asText();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

    Result verify = confide("volume", "verify", vol.toString(), "--key-file", key.toString(), "--tag", tag);
    assertThat(verify.code).isZero();
    assertThat(verify.out).startsWith("verified " + vol + "\n").contains(tag);

    Files.writeString(src.resolve("sub/n"), "2");
    Result update = confide("volume", "update", vol.toString(), src.toString(), "--key-file", key.toString(),
        "--tag", tag, "--json");
    assertThat(update.code).as(update.err).isZero();
    String newTag = update.json().get("tag").asText();
    // sub/n changed: its pack (with hello.txt) is sealed anew; large.bin keeps its object.
    assertThat(update.json().get("files_encrypted").asInt()).isEqualTo(2);
    assertThat(update.json().get("files_unchanged").asInt()).isEqualTo(1);

    Result open = confide("volume", "open", vol.toString(), tmp.resolve("out").toString(), "--key-file",
        key.toString(), "--tag", newTag);
    assertThat(open.code).as(open.err).isZero();
    assertThat(Files.readString(tmp.resolve("out/sub/n"))).isEqualTo("2");

    Result show = confide("volume", "show", vol.toString(), "--json");
    assertThat(show.code).isZero();
    assertThat(show.json().get("generations").get(0).get("tag").asText()).isEqualTo(newTag);
    assertThat(show.json().get("format").asInt()).isEqualTo(1);

    String keyHex = Files.readString(key).strip();
    for (Result r : new Result[] {verify, update, open, show}) {
      assertThat(r.out + r.err).doesNotContain(keyHex);
    }
  }

  @Test
  void tamperingExitsWithTheIntegrityCodeAndOneLine() throws IOException {
    Path vol = tmp.resolve("vol");
    Path key = tmp.resolve("k");
    String tag = seal(vol, key).get("tag").asText();
    try (var s = Files.walk(vol.resolve("objects"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(p);
        b[b.length - 1] ^= 1;
        Files.write(p, b);
      }
    }
    Result r = confide("volume", "open", vol.toString(), tmp.resolve("out").toString(), "--key-file",
        key.toString(), "--tag", tag);
    assertThat(r.code).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(r.err.lines()).hasSize(1);
    // every object is tampered with and they are opened in parallel: whichever is read first is named (a small
    // file fails at its only segment, large.bin at its last)
    assertThat(r.err).matches("confide: object (for|holding) /\\S+( /\\S+)*: authentication failed at segment \\d+ — "
        + "the file was modified or replaced; restore the volume from a trusted copy\n");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void errorsMapToDocumentedExitCodes() throws IOException {
    Path vol = tmp.resolve("vol");
    Path key = tmp.resolve("k");
    String tag = seal(vol, key).get("tag").asText();

    Result missing = confide("volume", "seal", tmp.resolve("nope").toString(), tmp.resolve("v2").toString(),
        "--key-out", tmp.resolve("k2").toString());
    assertThat(missing.code).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err).isEqualTo("confide: source " + tmp.resolve("nope") + " does not exist; check the path\n");
    assertThat(tmp.resolve("k2")).as("no key left behind by a failed seal").doesNotExist();

    Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(tmp.resolve("busy/x"), "x");
    Result notEmpty = confide("volume", "open", vol.toString(), tmp.resolve("busy").toString(), "--key-file",
        key.toString(), "--tag", tag);
    assertThat(notEmpty.code).isEqualTo(ExitCodes.CANT_CREATE);

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Result loose = confide("volume", "verify", vol.toString(), "--key-file", key.toString());
    assertThat(loose.code).isEqualTo(ExitCodes.DENIED);
    assertThat(loose.err).isEqualTo("confide: key file " + key + " is accessible by others (mode rw-r--r--); run 'chmod 600 "
        + key + "'\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    Result badTag = confide("volume", "verify", vol.toString(), "--key-file", key.toString(), "--tag", "xyz");
    assertThat(badTag.code).isEqualTo(ExitCodes.DATA);

    Result usage = confide("volume", "open", vol.toString());
    assertThat(usage.code).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err).startsWith("confide: Missing required");

    Path otherKey = tmp.resolve("other");
    seal(tmp.resolve("vol2"), otherKey);
    Result wrongKey = confide("volume", "verify", vol.toString(), "--key-file", otherKey.toString(), "--tag", tag);
    assertThat(wrongKey.code).isEqualTo(ExitCodes.DENIED);

    Result keyExists = confide("volume", "seal", src.toString(), tmp.resolve("vol3").toString(), "--key-out", key.toString());
    assertThat(keyExists.code).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(tmp.resolve("vol3")).doesNotExist();
  }

  @Test
  void stackTracesOnlyWithDebugAndJsonErrorsCarryHint() throws IOException {
    Result plain = confide("volume", "show", tmp.resolve("nope").toString());
    assertThat(plain.code).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(plain.err).doesNotContain("\tat ");
    Result debug = confide("volume", "show", tmp.resolve("nope").toString(), "--debug");
    assertThat(debug.err).contains("\tat dev.confide.volume.");
    Result json = confide("volume", "show", tmp.resolve("nope").toString(), "--json");
    assertThat(json.json().get("error").asText()).isEqualTo("missing_input");
    assertThat(json.json().get("hint").asText()).isNotBlank();
  }

  @Test
  void usageErrorsAreJsonWithJsonAndACompletionScriptCoversEveryCommand() throws IOException {
    Result usage = confide("run", "--application", "python", "--inputs", "in", "--outputs", "out", "--bogus", "--json");
    assertThat(usage.code).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.json().get("error").asText()).isEqualTo("usage");
    assertThat(usage.json().get("failure").asText()).isEqualTo("confide");
    assertThat(usage.json().get("message").asText()).contains("--bogus");
    assertThat(usage.err).contains("see 'confide run --help'");

    Result completion = confide("completion");
    assertThat(completion.code).as(completion.err).isZero();
    assertThat(completion.out).startsWith("#!/usr/bin/env bash").contains("confide Bash Completion")
        .contains("--scene").contains("--frames").contains("volume").contains("host");
  }

  @Test
  void helpTextsAreWholeSentencesNotLinesCutMidSentence() {
    Result help = confide("run", "--help");
    assertThat(help.code).isZero();
    String description = help.out.substring(help.out.indexOf("Run an application"), help.out.indexOf("      --application"));
    // each line of the description wraps a paragraph: it ends a sentence, or the next line goes on
    // with a word (picocli wraps at 80 columns), never a line broken after "in" at column 66
    assertThat(description.replace("\n", " ").replaceAll(" +", " ")).contains("keeping its data in the user's data directory.");
    for (String line : description.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
    }
    assertThat(description).doesNotContain("confide-run.\nlog");
    assertThat(HelpText.paragraphs(new String[] {"One sentence", "goes on.", "Another.", "A list:", "item"}))
        .containsExactly("One sentence goes on.", "Another.", "A list:", "item");
  }

  @Test
  void runRefusesAFileAsInputsAndOutputsInsideTheInputs() throws IOException {
    Result file = confide("run", "--application", "python", "--inputs", tmp.resolve("src/hello.txt").toString(), "--outputs",
        tmp.resolve("out").toString());
    assertThat(file.code).isEqualTo(ExitCodes.USAGE);
    assertThat(file.err).isEqualTo("confide: --inputs " + tmp.resolve("src/hello.txt") + " is a file, not a directory; put the"
        + " file into a directory of its own and give that directory\n");
    Result inside = confide("run", "--application", "python", "--inputs", src.toString(), "--outputs",
        src.resolve("sub/out").toString());
    assertThat(inside.code).isEqualTo(ExitCodes.USAGE);
    assertThat(inside.err).startsWith("confide: --outputs " + src.resolve("sub/out") + " is inside --inputs " + src + ";");
    assertThat(src.resolve("sub/out")).doesNotExist();
  }

  @Test
  void treeAuthenticateAndVerify() throws IOException {
    Path key = tmp.resolve("tree.key");
    Result auth = confide("tree", "authenticate", src.toString(), "--key-out", key.toString(), "--json");
    assertThat(auth.code).as(auth.err).isZero();
    String tag = auth.json().get("tag").asText();
    Result ok = confide("tree", "verify", src.toString(), "--key-file", key.toString(), "--tag", tag);
    assertThat(ok.code).isZero();
    Files.writeString(src.resolve("hello.txt"), "HELLO");
    Result bad = confide("tree", "verify", src.toString(), "--key-file", key.toString(), "--tag", tag);
    assertThat(bad.code).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(bad.err).contains("/hello.txt: chunk 0 (bytes 0 to 4) does not match");
  }

  @Test
  void demoRunsAndShowsBothRefusals() {
    Result demo = confide("volume", "demo");
    assertThat(demo.code).as(demo.err).isZero();
    assertThat(demo.out).contains("tampered").contains("refused (exit 80)").contains("rolled back")
        .contains("demo complete");
  }
}
