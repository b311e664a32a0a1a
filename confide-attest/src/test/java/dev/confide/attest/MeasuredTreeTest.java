package dev.confide.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.AttestationException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MeasuredTree}'s format against a second implementation of its spec, and every change that must change it. */
class MeasuredTreeTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("tree"));
    Files.createDirectories(root.resolve("scripts/startup"));
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("scripts/startup/init.py"), "print('hi')\n");
    Files.writeString(root.resolve("Ünïcode name.txt"), "ü\n");
    Files.writeString(root.resolve("B"), "upper before lower\n");
    Path tool = Files.writeString(root.resolve("tool"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(root.resolve("scripts/link"), Path.of("startup/init.py"));
  }

  private String measured() throws Exception {
    return MeasuredTree.measure(root.toString(), FileDigests.inMemory()).digest();
  }

  /** The class comment's format, written again in Python from the comment alone. */
  private String reference(Path dir) throws Exception {
    String script = """
        import hashlib, os, stat, sys
        root = sys.argv[1].encode()
        if not os.path.exists(root):
            print(hashlib.sha256(b"confide tree v1\\0absent\\n").hexdigest()); sys.exit()
        entries = []
        for d, dirs, files in os.walk(root):
            for n in dirs + files:
                p = os.path.join(d, n); rel = os.path.relpath(p, root); st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    entries.append((rel, b"l\\0" + rel + b"\\0" + os.readlink(p) + b"\\n"))
                elif stat.S_ISDIR(st.st_mode):
                    entries.append((rel, b"d\\0" + rel + b"\\n"))
                else:
                    x = b"x" if st.st_mode & stat.S_IXUSR else b"-"
                    h = hashlib.sha256(open(p, "rb").read()).hexdigest().encode()
                    entries.append((rel, b"f\\0" + rel + b"\\0" + x + b"\\0" + h + b"\\n"))
        md = hashlib.sha256(b"confide tree v1\\0")
        for rel, line in sorted(entries):
            md.update(line)
        print(md.hexdigest())
        """;
    Process p = new ProcessBuilder("python3", "-c", script, dir.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void theDigestIsTheSpecsAsASecondImplementationComputesIt() throws Exception {
    assertThat(measured()).isEqualTo(reference(root));
    assertThat(MeasuredTree.measure(tmp.resolve("nothing").toString(), FileDigests.inMemory()).digest())
        .isEqualTo(reference(tmp.resolve("nothing")));
  }

  @Test
  void everyChangeChangesIt() throws Exception {
    String before = measured();
    Path init = root.resolve("scripts/startup/init.py");
    Files.writeString(init, "print('ho')\n");
    String changed = measured();
    assertThat(changed).isNotEqualTo(before);
    Files.writeString(init, "print('hi')\n");
    assertThat(measured()).isEqualTo(before);
    Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr--r--"));
    assertThat(measured()).isNotEqualTo(before);
    Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rw-r--r--"));
    Files.delete(root.resolve("scripts/link"));
    Files.createSymbolicLink(root.resolve("scripts/link"), Path.of("/etc/passwd"));
    assertThat(measured()).isNotEqualTo(before);
    Files.delete(root.resolve("scripts/link"));
    assertThat(measured()).isNotEqualTo(before);
    Files.createSymbolicLink(root.resolve("scripts/link"), Path.of("startup/init.py"));
    assertThat(measured()).isEqualTo(before);
    Files.delete(root.resolve("empty"));
    assertThat(measured()).isNotEqualTo(before);
    Files.createDirectories(root.resolve("empty"));
    Files.move(root.resolve("B"), root.resolve("C"));
    assertThat(measured()).isNotEqualTo(before);
  }

  @Test
  void aRootLinkIsFollowedAndNamedAsGiven() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("current"), root);
    MeasuredTree viaLink = MeasuredTree.measure(link.toString(), FileDigests.inMemory());
    assertThat(viaLink.path()).isEqualTo(link.toString());
    assertThat(viaLink.digest()).isEqualTo(measured());
  }

  @Test
  void whatIsNotAFileFolderOrLinkIsRefusedByName() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("scripts/pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertThatThrownBy(this::measured).isInstanceOfSatisfying(AttestationException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.IO);
      assertThat(e.getMessage()).contains("scripts/pipe").contains("neither a file, a folder nor a link");
    });
    assertThatThrownBy(() -> MeasuredTree.measure("relative/path", FileDigests.inMemory()))
        .isInstanceOf(AttestationException.class).hasMessageContaining("not an absolute path");
  }

  @Test
  void aMeasurementWithTreesIsV2AndIndependentOfTheirOrder() throws Exception {
    MeasuredTree a = new MeasuredTree("/a", "1".repeat(64));
    MeasuredTree b = new MeasuredTree("/b", "2".repeat(64));
    Measurement v1 = Measurement.of("0".repeat(64), Path.of("/bin/x"), "3".repeat(64));
    Measurement ab = Measurement.of("0".repeat(64), Path.of("/bin/x"), "3".repeat(64), List.of(a, b));
    assertThat(Measurement.of("0".repeat(64), Path.of("/bin/x"), "3".repeat(64), List.of(b, a))).isEqualTo(ab);
    assertThat(ab.value()).isNotEqualTo(v1.value());
    assertThat(Measurement.of("0".repeat(64), Path.of("/bin/x"), "3".repeat(64), List.of(a)).value()).isNotEqualTo(ab.value());
    assertThat(v1.treesDigest()).isEmpty();
    assertThatThrownBy(() -> Measurement.of("0".repeat(64), Path.of("/bin/x"), "3".repeat(64),
        List.of(a, new MeasuredTree("/a", "4".repeat(64))))).hasMessageContaining("measured once");
  }

  /** A remembered digest is used only while the file's identity (inode, size, times) is the one it was hashed at. */
  @Test
  void rememberedDigestsAreUsedOnlyForTheFileTheyWereMadeFrom() throws Exception {
    Path store = tmp.resolve("digests");
    Path file = Files.writeString(tmp.resolve("data"), "content\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
    String real = Hashes.file(file);
    FileDigests.inMemory().digest(file); // hashed, not remembered: its ctime is now ("racy")
    // a remembered line for this very file, at its identity: taken as it is (the proof that it is used)
    var id = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
    String forged = "f".repeat(64);
    String line = forged + " " + id.get("dev") + " " + id.get("ino") + " " + id.get("size") + " "
        + ((FileTime) id.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS) + " "
        + ((FileTime) id.get("ctime")).to(java.util.concurrent.TimeUnit.NANOSECONDS) + " " + file + "\n";
    Files.writeString(store, line);
    assertThat(FileDigests.persistent(store).digest(file)).isEqualTo(forged);
    // the file changed (same size, its modification time put back): its ctime moved, so it is hashed again
    Files.writeString(file, "CONTENT\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
    assertThat(FileDigests.persistent(store).digest(file)).isEqualTo(Hashes.file(file)).isNotEqualTo(real);
    // a store that is not this format is ignored
    Files.writeString(store, "garbage\n" + forged + " x y z\n");
    assertThat(FileDigests.persistent(store).digest(file)).isEqualTo(Hashes.file(file));
  }

  @Test
  void theStoreIsWrittenOwnerOnlyWithTheTreesMeasuredLast() throws Exception {
    Path store = tmp.resolve("digests");
    FileDigests digests = FileDigests.persistent(store);
    new Measurer("a".repeat(64), digests).measure(List.of("sh"), "/bin:/usr/bin", List.of(root.toString()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rw-------");
    // sh is older than a second: remembered; the tree's files were just written: not
    assertThat(Files.readString(store)).startsWith("#trees\t" + root + "\n").contains(Path.of("/bin/sh").toRealPath().toString())
        .doesNotContain("init.py");
    assertThat(FileDigests.persistent(store).lastTrees()).containsExactly(root.toString());
  }

  @Test
  void aMeasurementAheadCountsOnlyForExactlyTheTreesThePlanNames() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("f"), "other\n");
    FileDigests digests = FileDigests.inMemory();
    Measurer measurer = new Measurer("a".repeat(64), digests);
    assertThat(measurer.measureAhead()).as("nothing measured yet: nothing to measure ahead").isNull();
    Measurement first = measurer.measure(List.of("sh"), "/bin:/usr/bin", List.of(root.toString()));

    Measurer.Ahead ahead = measurer.measureAhead();
    assertThat(ahead.trees()).containsExactly(root.toString());
    Measurer.Copied same = measurer.measureCopy(List.of("sh"), "/bin:/usr/bin", List.of(root.toString()),
        tmp.resolve("copies/a/sh"), ahead);
    assertThat(same.measurement().value()).isEqualTo(first.value());

    // the plan names other trees: they are measured, not the ones measured ahead
    Measurer.Copied planned = measurer.measureCopy(List.of("sh"), "/bin:/usr/bin", List.of(other.toString()),
        tmp.resolve("copies/b/sh"), measurer.measureAhead());
    assertThat(planned.measurement().value())
        .isEqualTo(new Measurer("a".repeat(64)).measure(List.of("sh"), "/bin:/usr/bin", List.of(other.toString())).value())
        .isNotEqualTo(first.value());
  }
}
