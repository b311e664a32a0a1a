package dev.confide.volume;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Makes everything written to a filesystem durable with one {@code syncfs(2)} call, instead of
 * one {@code fsync} per object (10,000 small objects: about 0.2 s against 0.6 to 2.3 s here).
 * Called through the JDK's foreign-function API; needs {@code --enable-native-access}.
 */
final class FileSystemSync {
  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;

  private FileSystemSync() {}

  /** Flushes the filesystem holding {@code dir}; throws if the kernel reports an error. */
  static void syncFileSystemOf(Path dir) throws IOException {
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    try (Arena arena = Arena.ofConfined()) {
      MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
          Linker.Option.firstVariadicArg(2));
      MethodHandle syncfs = linker.downcallHandle(libc.find("syncfs").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      MemorySegment path = arena.allocateFrom(dir.toAbsolutePath().toString());
      int fd = (int) open.invokeExact(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) {
        throw new IOException("cannot open " + dir + " to flush it");
      }
      int rc = (int) syncfs.invokeExact(fd);
      int ignored = (int) close.invokeExact(fd);
      if (rc != 0) {
        throw new IOException("flushing the filesystem of " + dir + " failed (syncfs)");
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("syncfs call failed", t);
    }
  }
}
