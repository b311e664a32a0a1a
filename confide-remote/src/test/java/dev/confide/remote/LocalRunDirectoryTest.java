package dev.confide.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a local run's ciphertext goes: memory for small inputs, the data directory for large ones. */
class LocalRunDirectoryTest {
  @TempDir Path tmp;

  @Test
  void largeInputsGoToTheDataDirectoryWhichSweepsWhatAKilledRunLeft() throws Exception {
    Path data = tmp.resolve("data");
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    try (RandomAccessFile sparse = new RandomAccessFile(inputs.resolve("big.bin").toFile(), "rw")) {
      sparse.setLength(LocalRunDirectory.IN_MEMORY_INPUTS + 1);
    }
    Path runs = Files.createDirectories(data.resolve("runs"));
    Path left = Files.createDirectory(runs.resolve("confide-ciphertext-left"),
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    Files.writeString(left.resolve(".confide-owner"), "");
    Files.writeString(left.resolve("object"), "ciphertext of a killed run");
    Path dir;
    try (LocalRunDirectory run = LocalRunDirectory.create(data, inputs)) {
      dir = run.dir();
      assertThat(dir.getParent()).isEqualTo(runs);
      assertThat(left).as("nobody holds its lock: swept").doesNotExist();
    }
    assertThat(dir).doesNotExist();
    Files.delete(inputs.resolve("big.bin"));
    Files.writeString(inputs.resolve("small.txt"), "small");
    try (LocalRunDirectory run = LocalRunDirectory.create(data, inputs)) {
      assertThat(run.dir().getParent()).isNotEqualTo(runs);
      assertThat(Files.getFileStore(run.dir()).type()).isEqualTo("tmpfs");
    }
  }
}
