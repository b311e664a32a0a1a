package dev.confide.cli.daemon;

import dev.confide.cli.ExitCodes;
import dev.confide.cli.LaunchFacts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code ./confide run} starts: a small JVM that hands the command line to the user's daemon
 * ({@link DaemonServer}), starting one if none runs, and relays its output and exit code. Ctrl-C
 * or SIGTERM here cancels the run there (the program is killed, nothing committed, the staging
 * area wiped) before this process exits. When no daemon can be used, the command runs here, in
 * this JVM, as it would without one.
 *
 * <p>The launcher starts it from the small client jar (these classes and nothing else, no
 * Class-Path): a JVM whose class path names Confide's forty jars spends about 60 ms opening them
 * all when the first socket looks up its selector provider.
 */
public final class DaemonClient {
  /** How long a starting daemon may take to answer. */
  private static final long START_MILLIS = 60_000;

  private final DaemonPlace place;
  private final String build;
  private final PrintStream out;
  private final PrintStream err;

  DaemonClient(DaemonPlace place, String build, PrintStream out, PrintStream err) {
    this.place = place;
    this.build = build;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    boolean debug = List.of(args).contains("--debug");
    DaemonClient client = new DaemonClient(DaemonPlace.forUser(System.getenv()), DaemonBuild.ofThisCode(), System.out, System.err);
    SocketChannel channel;
    try {
      channel = client.connectOrStart(System.getProperty("confide.daemon.argfile"));
    } catch (IOException e) {
      System.err.println("confide: note: running without the daemon (" + e.getMessage() + ")");
      if (debug) {
        e.printStackTrace();
      }
      runHere(args);
      return;
    }
    DaemonWire.Request request = new DaemonWire.Request(DaemonWire.Kind.COMMAND, client.build,
        Path.of("").toAbsolutePath().toString(), System.getenv(), LaunchFacts.launcherStartMillis(),
        LaunchFacts.stderrIsTerminal(), List.of(args));
    System.exit(client.relay(channel, request, true));
  }

  /**
   * Runs the command in this JVM: Confide's own jar (system property {@code confide.jar}) in a
   * class loader of its own, as {@code java -jar} would, since the client jar holds only the client.
   */
  private static void runHere(String[] args) {
    String jar = System.getProperty("confide.jar");
    try {
      ClassLoader code = jar == null ? DaemonClient.class.getClassLoader()
          : new java.net.URLClassLoader(new java.net.URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      // libraries find their services (logging, JDBC drivers) through the context class loader
      Thread.currentThread().setContextClassLoader(code);
      Class.forName("dev.confide.cli.Main", true, code).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException | java.net.MalformedURLException e) {
      System.err.println("confide: cannot run without the daemon: " + e + " (is " + jar + " there? run ./confide again to rebuild)");
      System.exit(ExitCodes.SOFTWARE);
    }
  }

  /** Connects to this build's daemon, starting it (from the launcher's argument file) if none answers. */
  SocketChannel connectOrStart(String argfile) throws IOException {
    place.ensurePrivate();
    try {
      return connect();
    } catch (IOException none) {
      // no daemon yet, or one that died: start one below
    }
    if (argfile == null) {
      throw new IOException("no daemon runs and this client was not told how to start one");
    }
    Process daemon = new ProcessBuilder("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + argfile)
        .directory(Path.of("/").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(place.log(build).toFile()))
        .redirectErrorStream(true)
        .start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
    while (true) {
      try {
        return connect();
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || (!daemon.isAlive() && daemon.exitValue() != 0)) {
          throw new IOException("the daemon did not start; see " + place.log(build));
        }
      }
      try {
        // polling: the daemon is a detached process, and its socket file is the only sign it is up
        daemon.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the daemon started");
      }
    }
  }

  SocketChannel connect() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(place.socket(build)));
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Sends {@code request} and copies the daemon's frames to this process's output until its exit
   * code arrives; with {@code cancelOnExit}, this JVM being stopped (Ctrl-C) first cancels the
   * request and waits for the daemon to finish it.
   */
  int relay(SocketChannel channel, DaemonWire.Request request, boolean cancelOnExit) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread cancel = new Thread(() -> {
      if (finished.getCount() > 0) {
        try {
          cancel(channel);
          finished.await(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
          // the daemon is gone: nothing left to cancel
        }
      }
    }, "confide-cancel");
    try (channel) {
      DataOutputStream to = new DataOutputStream(new BufferedOutputStream(DaemonWire.output(channel)));
      synchronized (channel) {
        request.write(to);
      }
      if (cancelOnExit) {
        Runtime.getRuntime().addShutdownHook(cancel);
      }
      DataInputStream from = new DataInputStream(new BufferedInputStream(DaemonWire.input(channel)));
      while (true) {
        int kind = from.readUnsignedByte();
        switch (kind) {
          case DaemonWire.OUT, DaemonWire.ERR -> {
            OutputStream target = kind == DaemonWire.OUT ? out : err;
            target.write(DaemonWire.bytes(from, from.readInt()));
            target.flush();
          }
          case DaemonWire.EXIT -> {
            int code = from.readInt();
            finished.countDown();
            return code;
          }
          case DaemonWire.REFUSED -> {
            err.println("confide: the daemon refused the request: " + DaemonWire.string(from)
                + "; stop it with 'confide daemon stop', or set CONFIDE_DAEMON=off");
            return ExitCodes.UNAVAILABLE;
          }
          default -> throw new IOException("unknown frame " + kind);
        }
      }
    } catch (EOFException gone) {
      err.println("confide: the daemon stopped before the command finished (see " + place.log(build)
          + "); run it again, or set CONFIDE_DAEMON=off to run without the daemon");
      return ExitCodes.UNAVAILABLE;
    } catch (IOException e) {
      err.println("confide: lost the daemon: " + e.getMessage() + " (see " + place.log(build)
          + "); run it again, or set CONFIDE_DAEMON=off to run without the daemon");
      return ExitCodes.UNAVAILABLE;
    } finally {
      finished.countDown();
    }
  }

  /** Asks the daemon to cancel the command sent on {@code channel}; it answers with the exit code. */
  static void cancel(SocketChannel channel) throws IOException {
    synchronized (channel) {
      DaemonWire.output(channel).write(DaemonWire.CANCEL);
    }
  }

  /** For {@code confide daemon status|stop}: the answer of this build's daemon, or null when none runs. */
  Integer ask(DaemonWire.Kind kind) {
    SocketChannel channel;
    try {
      channel = connect();
    } catch (IOException none) {
      return null;
    }
    return relay(channel, DaemonWire.Request.of(kind, build), false);
  }
}
