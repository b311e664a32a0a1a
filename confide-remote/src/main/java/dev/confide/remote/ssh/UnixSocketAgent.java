package dev.confide.remote.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The user's ssh-agent ({@code SSH_AUTH_SOCK}) for MINA SSHD's client, over the JDK's own Unix
 * domain sockets: MINA's agent client needs Tomcat's native library, and Confide loads none. One
 * request, one connection: the agent protocol's messages are length-prefixed (draft-miller-ssh-agent),
 * MINA's {@link AbstractAgentProxy} writes and reads them. The private keys never leave the agent;
 * only signatures do. No agent forwarding is offered to any host.
 */
final class UnixSocketAgent extends AbstractAgentProxy {
  /** The agent's answers are small (a few keys, a signature); a longer one is refused unread. */
  private static final int MAX_ANSWER = 256 << 10;

  private final Path socket;
  private final java.util.function.Predicate<java.security.PublicKey> offered;

  UnixSocketAgent(Path socket, java.util.function.Predicate<java.security.PublicKey> offered) {
    super(null);
    this.socket = socket;
    this.offered = offered;
  }

  /** The agent's keys this client may offer a host (with IdentitiesOnly: only the profile's). */
  @Override
  public Iterable<? extends java.util.Map.Entry<java.security.PublicKey, String>> getIdentities() throws IOException {
    List<java.util.Map.Entry<java.security.PublicKey, String>> kept = new java.util.ArrayList<>();
    for (var e : super.getIdentities()) {
      if (offered.test(e.getKey())) {
        kept.add(e);
      }
    }
    return kept;
  }

  /** A factory for MINA's client: this agent for every session, never a forwarding of it. */
  static SshAgentFactory factory(Path socket) {
    return factory(socket, key -> true);
  }

  /** As {@link #factory(Path)}, offering only the agent's keys {@code offered} accepts. */
  static SshAgentFactory factory(Path socket, java.util.function.Predicate<java.security.PublicKey> offered) {
    return new SshAgentFactory() {
      @Override
      public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of();
      }

      @Override
      public SshAgent createClient(Session session, FactoryManager manager) {
        return new UnixSocketAgent(socket, offered);
      }

      @Override
      public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("Confide forwards no agent");
      }
    };
  }

  private volatile boolean open = true;

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false; // each request had its own connection: nothing stays open
  }

  @Override
  protected Buffer request(Buffer buffer) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
      while (out.hasRemaining()) {
        channel.write(out);
      }
      ByteBuffer length = ByteBuffer.allocate(4);
      readFully(channel, length);
      int n = length.flip().getInt();
      if (n < 1 || n > MAX_ANSWER) {
        throw new IOException("the ssh-agent at " + socket + " answered with " + n + " bytes");
      }
      ByteBuffer answer = ByteBuffer.allocate(n);
      readFully(channel, answer);
      return new ByteArrayBuffer(answer.array());
    }
  }

  private static void readFully(SocketChannel channel, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        throw new IOException("the ssh-agent closed the connection");
      }
    }
  }
}
