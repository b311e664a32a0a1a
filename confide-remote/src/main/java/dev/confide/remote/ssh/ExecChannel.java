package dev.confide.remote.ssh;

import dev.confide.remote.RuntimeChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

/**
 * A runtime started on a remote host over an SSH exec channel: its standard streams are the
 * channel's, closing standard input sends the channel's end of file (the runtime cancels), and
 * killing it closes the channel, which ends the remote command's pipes.
 */
final class ExecChannel implements RuntimeChannel {
  private final ChannelExec channel;

  private ExecChannel(ChannelExec channel) {
    this.channel = channel;
  }

  static ExecChannel open(org.apache.sshd.client.session.ClientSession session, String command) throws IOException {
    ChannelExec channel = session.createExecChannel(command);
    channel.open().verify(SshConnection.TIMEOUT);
    return new ExecChannel(channel);
  }

  @Override
  public OutputStream stdin() {
    return channel.getInvertedIn();
  }

  @Override
  public InputStream stdout() {
    return channel.getInvertedOut();
  }

  @Override
  public InputStream stderr() {
    return channel.getInvertedErr();
  }

  @Override
  public boolean alive() {
    return !channel.isClosed() && channel.getExitStatus() == null;
  }

  @Override
  public boolean waitFor(long seconds) {
    return !channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), seconds * 1000).contains(ClientChannelEvent.TIMEOUT);
  }

  @Override
  public void waitFor() {
    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0);
  }

  @Override
  public void kill() {
    channel.close(true);
  }

  @Override
  public int exitValue() {
    Integer status = channel.getExitStatus();
    return status == null ? -1 : status;
  }
}
