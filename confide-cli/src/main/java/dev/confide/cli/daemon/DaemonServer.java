package dev.confide.cli.daemon;

import dev.confide.cli.AfterReply;
import dev.confide.cli.Cancellation;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Invocation;
import dev.confide.cli.Main;
import dev.confide.cli.run.ThisRuntime;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.remote.RuntimeStarter;
import dev.confide.remote.WarmRuntimes;
import dev.confide.remote.ssh.KeptHosts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The user's warm Confide: runs {@code confide run} command lines sent by {@link DaemonClient} on
 * its socket, so that a run costs a short client start instead of a cold JVM that loads, links and
 * compiles TLS, H2, Jetty and Tink again (docs/runtime.md, "The daemon"). One per user and build;
 * it answers only its own user (the folder's mode, then each caller's user id), keeps no secret
 * between runs (each run opens the embedded CAS from its files and closes it, once the client has
 * the exit code: {@link AfterReply}), and exits when
 * idle.
 */
public final class DaemonServer implements AutoCloseable {
  private final DaemonPlace place;
  private final String build;
  private final Duration idle;
  private final Supplier<RuntimeDistribution> runtime;
  private final RuntimeStarter runtimes;
  private final KeptHosts hosts;
  private final String owner;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final ServerSocketChannel server;
  private final AtomicInteger active = new AtomicInteger();
  private final java.util.Set<Thread> requests = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicLong lastActive = new AtomicLong(System.nanoTime());
  private final AtomicLong served = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final Instant started = Instant.now();
  private final ScheduledExecutorService idleCheck;

  private DaemonServer(DaemonPlace place, String build, Duration idle, Supplier<RuntimeDistribution> runtime, RuntimeStarter runtimes,
                       KeptHosts hosts, String owner,
                       FileChannel lockFile, FileLock lock, ServerSocketChannel server) {
    this.place = place;
    this.build = build;
    this.idle = idle;
    this.runtime = runtime;
    this.runtimes = runtimes;
    this.hosts = hosts;
    this.owner = owner;
    this.lockFile = lockFile;
    this.lock = lock;
    this.server = server;
    this.idleCheck = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("confide-idle").unstarted(r));
  }

  /**
   * Binds the socket of {@code build} in {@code place}, or returns null when another daemon of that
   * build holds its lock (it serves; this one is not needed).
   */
  static DaemonServer bind(DaemonPlace place, String build, Duration idle, Supplier<RuntimeDistribution> runtime,
      RuntimeStarter runtimes, KeptHosts hosts) throws IOException {
    place.ensurePrivate();
    FileChannel lockFile = FileChannel.open(place.lock(build), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
      lock = null;
    }
    if (lock == null) {
      lockFile.close();
      return null;
    }
    try {
      // a socket file left by a daemon that died (its lock went with it)
      Path socket = place.socket(build);
      Files.deleteIfExists(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      String owner = Files.getOwner(place.dir()).getName();
      return new DaemonServer(place, build, idle, runtime, runtimes, hosts, owner, lockFile, lock, server);
    } catch (IOException | RuntimeException e) {
      lockFile.close();
      throw e;
    }
  }

  /** Serves until idle for the configured time, or until a client asks it to stop. */
  void serve() {
    long checkMillis = Math.max(50, Math.min(idle.toMillis() / 4, 10_000));
    try {
      idleCheck.scheduleWithFixedDelay(() -> {
        if (active.get() == 0 && System.nanoTime() - lastActive.get() > idle.toNanos()) {
          close();
        }
      }, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closedFirst) {
      return;
    }
    while (true) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (ClosedChannelException stopped) {
        return;
      } catch (IOException e) {
        System.err.println("confide daemon: accept failed: " + e.getMessage());
        continue;
      }
      active.incrementAndGet();
      Thread request = Thread.ofPlatform().name("confide-request-" + served.incrementAndGet()).unstarted(() -> {
        try (channel) {
          answer(channel);
        } catch (IOException | RuntimeException e) {
          System.err.println("confide daemon: a request failed: " + e);
        } finally {
          lastActive.set(System.nanoTime());
          active.decrementAndGet();
          requests.remove(Thread.currentThread());
        }
      });
      requests.add(request);
      request.start();
    }
  }

  private void answer(SocketChannel channel) throws IOException {
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    if (!peer.user().getName().equals(owner)) {
      System.err.println("confide daemon: refused a connection from user " + peer.user().getName());
      return;
    }
    DataInputStream in = new DataInputStream(new BufferedInputStream(DaemonWire.input(channel)));
    DaemonWire.Frames frames = new DaemonWire.Frames(new DataOutputStream(new BufferedOutputStream(DaemonWire.output(channel))));
    DaemonWire.Request request = DaemonWire.Request.read(in);
    if (!request.build().equals(build)) {
      frames.refuse("this daemon runs build " + build + ", the client " + request.build());
      return;
    }
    switch (request.kind()) {
      case STATUS -> {
        byte[] text = (status() + "\n").getBytes(StandardCharsets.UTF_8);
        frames.data(DaemonWire.OUT, text, 0, text.length);
        frames.exit(ExitCodes.OK);
      }
      case STOP -> {
        frames.exit(ExitCodes.OK);
        close();
      }
      case COMMAND -> {
        // what the launcher hands over; a daemon has no terminal for prompts, and no business
        // hosting long-lived servers (cas start) or anything else a JVM of its own does as well
        if (!DaemonCommands.served(request.args())) {
          frames.refuse(DaemonCommands.REFUSAL);
          return;
        }
        command(request, in, frames);
      }
    }
  }

  private String status() {
    return "confide daemon: pid " + ProcessHandle.current().pid() + ", build " + build + ", up since " + started
        + ", " + (served.get() - 1) + " requests before this one, " + active.get() + " active, " + hosts.size()
        + " remote host connections kept; socket " + place.socket(build)
        + ", log " + place.log(build) + "; exits after " + idle.toSeconds() + " s idle";
  }

  private void command(DaemonWire.Request request, DataInputStream in, DaemonWire.Frames frames) throws IOException {
    Cancellation cancellation = new Cancellation();
    AfterReply afterReply = AfterReply.afterTheReply();
    // the client's ssh-agent, never the daemon's; and no prompt: the daemon has no terminal of the user's
    Invocation invocation = new Invocation(ConfideDirs.from(request.env()), Path.of(request.cwd()), request.launchedAtMillis(),
        request.terminal(), runtime, cancellation, runtimes, Invocation.agentOf(request.env()), false, hosts, afterReply);
    // The client sends CANCEL when the user presses Ctrl-C; a client that vanished cancels too.
    Thread.ofPlatform().daemon().name(Thread.currentThread().getName() + "-cancel").start(() -> {
      try {
        in.read();
      } catch (IOException closed) {
        // the channel closed: the client went away, or this request ended (then cancelling does nothing)
      }
      cancellation.cancel();
    });
    PrintWriter out = new PrintWriter(new OutputStreamWriter(frames.stream(DaemonWire.OUT), StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(frames.stream(DaemonWire.ERR), StandardCharsets.UTF_8), true);
    int code;
    try {
      code = Main.run(request.args().toArray(String[]::new), out, err, invocation);
    } catch (RuntimeException | Error e) {
      err.println("confide: internal error in the daemon: " + e + "; please report it (run with CONFIDE_DAEMON=off to run it in-process)");
      code = ExitCodes.SOFTWARE;
    }
    out.flush();
    err.flush();
    try {
      frames.exit(code);
    } finally {
      // what the command opened is closed once its client has the exit code: the user's
      // command does not wait for it (the embedded CAS's stop)
      afterReply.closeAll(new PrintWriter(System.err, true));
    }
  }

  /** Waits for the requests still being answered (a stop lets runs finish and commit). */
  void awaitRequests() throws InterruptedException {
    for (Thread t : List.copyOf(requests)) {
      t.join();
    }
  }

  /** Stops accepting (once; later calls do nothing): the socket file goes first, so no client finds a closing daemon. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Files.deleteIfExists(place.socket(build));
      server.close();
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      System.err.println("confide daemon: closing: " + e);
    } finally {
      idleCheck.shutdown();
    }
  }

  /** The daemon process: started by a client (detached, its output in the log), never by a user. */
  public static void main(String[] args) throws IOException, InterruptedException {
    DaemonPlace place = DaemonPlace.forUser(System.getenv());
    String build = DaemonBuild.ofThisCode();
    Duration idle = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("CONFIDE_DAEMON_IDLE_SECONDS", "900")));
    // found once: its measurer remembers the executables it hashed (Blender's 90 MB took 0.1 s)
    RuntimeDistribution[] once = new RuntimeDistribution[1];
    Supplier<RuntimeDistribution> runtime = () -> {
      synchronized (once) {
        if (once[0] == null) {
          once[0] = ThisRuntime.distribution();
        }
        return once[0];
      }
    };
    // a spare runtime, warmed up between runs, for the next run (WarmRuntimes)
    WarmRuntimes spares = new WarmRuntimes();
    // and on each remote host run on, the connection and the next run's runtime there (KeptHosts)
    KeptHosts hosts = KeptHosts.keeping();
    DaemonServer server = bind(place, build, idle, runtime, spares, hosts);
    if (server == null) {
      spares.close();
      hosts.close();
      return;
    }
    System.err.println("confide daemon: started, pid " + ProcessHandle.current().pid() + ", build " + build);
    server.serve();
    server.awaitRequests();
    spares.close();
    hosts.close();
    System.err.println("confide daemon: stopped after " + Duration.between(server.started, Instant.now()).toSeconds() + " s");
    System.exit(0);
  }
}
