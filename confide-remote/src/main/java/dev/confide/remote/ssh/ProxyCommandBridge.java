package dev.confide.remote.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * An SSH connection carried by a {@code ProxyCommand}, as ssh runs one: the command (through
 * {@code /bin/sh -c}, with {@code %h}, {@code %p}, {@code %r} and {@code %%} replaced) speaks the
 * SSH stream on its standard input and output. MINA SSHD connects to a socket, so the command's
 * streams are joined to one connection accepted on this machine's loopback; the listening socket
 * closes as soon as that connection is taken, and the command is ended with the connection.
 */
final class ProxyCommandBridge implements AutoCloseable {
  /** How much of what the command says on standard error is kept for a failure's message. */
  private static final int SAID = 4096;

  private final ServerSocket listener;
  private final Process command;
  private final StringBuilder said = new StringBuilder();
  private Thread errors;

  private ProxyCommandBridge(ServerSocket listener, Process command) {
    this.listener = listener;
    this.command = command;
  }

  /** The last line the command wrote to its standard error, or empty; after {@link #close()}, all it wrote. */
  String said() {
    try {
      if (!command.isAlive()) {
        errors.join(java.time.Duration.ofSeconds(5)); // its standard error is read to the end
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (said) {
      return said.toString().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("").strip();
    }
  }

  /** Starts {@code template} for {@code a}; connect to {@link #port()} once, on loopback. */
  static ProxyCommandBridge start(String template, SshAddress a, String user) throws IOException {
    String command = expand(template, a, user);
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Process p;
    try {
      p = new ProcessBuilder(List.of("/bin/sh", "-c", "exec " + command)).start();
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    ProxyCommandBridge bridge = new ProxyCommandBridge(listener, p);
    Thread.ofPlatform().daemon().name("confide-proxy-command").start(bridge::join);
    bridge.errors = Thread.ofPlatform().daemon().name("confide-proxy-command-errors").start(bridge::keepErrors);
    return bridge;
  }

  int port() {
    return listener.getLocalPort();
  }

  private void keepErrors() {
    byte[] buf = new byte[1024];
    try (var err = command.getErrorStream()) {
      for (int n; (n = err.read(buf)) >= 0; ) {
        synchronized (said) {
          said.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
          if (said.length() > SAID) {
            said.delete(0, said.length() - SAID);
          }
        }
      }
    } catch (IOException e) {
      // the command ended
    }
  }

  /** Takes the one connection and pumps bytes both ways until either side ends. */
  private void join() {
    try (Socket s = listener.accept()) {
      listener.close();
      Thread up = Thread.ofPlatform().daemon().start(() -> {
        try {
          command.getInputStream().transferTo(s.getOutputStream());
        } catch (IOException e) {
          // either side ended
        } finally {
          try {
            s.shutdownOutput();
          } catch (IOException ignored) {
            // closed already
          }
        }
      });
      // the process's standard input is buffered: each piece is flushed, or a handshake waits on 8 KiB
      try (OutputStream in = command.getOutputStream()) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
          in.write(buf, 0, n);
          in.flush();
        }
      } catch (IOException e) {
        // either side ended
      }
      up.join();
    } catch (IOException | InterruptedException e) {
      // the connection or the command ended: close() ends the rest
    } finally {
      command.destroy();
    }
  }

  /** {@code %h}, {@code %p}, {@code %r}, {@code %%} as ssh_config(5) defines them for ProxyCommand. */
  static String expand(String template, SshAddress a, String user) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c != '%' || i + 1 == template.length()) {
        out.append(c);
        continue;
      }
      char t = template.charAt(++i);
      switch (t) {
        case 'h' -> out.append(a.host());
        case 'p' -> out.append(a.port());
        case 'r' -> out.append(user);
        case '%' -> out.append('%');
        default -> throw new IllegalArgumentException("ProxyCommand token %" + t + " is not one Confide fills (%h %p %r %%)");
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closed already
    }
    command.destroy();
    try {
      command.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
