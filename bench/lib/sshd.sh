# Sourced by the remote-host benchmarks: Debian's OpenSSH sshd on 127.0.0.1 and a free port, with
# a throwaway host key, letting one throwaway client key in as the separate account confide-host
# (made when missing, as the tests make it). Needs root and /usr/sbin/sshd (openssh-server).
#
#   bench_sshd_start   starts it; sets SSHD_PORT, SSHD_PID, SSHD_KEY (the client's private key)
#                      and SSHD_KNOWN (a known_hosts file naming the host key)
#   bench_sshd_stop    stops it and every session it forked, and removes its folder
bench_sshd_start() {
  # a folder of its own that confide-host can pass through: sshd reads authorized_keys as that account
  local dir
  dir=$(mktemp -d /tmp/confide-sshd-XXXXXX)
  SSHD_DIR=$dir
  [ "$(id -u)" = 0 ] || { echo "bench: sshd must start as root (it logs in as confide-host)" >&2; return 69; }
  [ -x /usr/sbin/sshd ] || { echo "bench: no /usr/sbin/sshd; apt-get install openssh-server" >&2; return 69; }
  id -u confide-host >/dev/null 2>&1 || useradd --create-home --shell /bin/sh confide-host
  usermod -p '*' confide-host  # unlocked for key logins (sshd without PAM refuses a locked account)
  mkdir -p "$dir" /run/sshd && chmod 755 "$dir"
  ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$dir/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C bench-client -f "$dir/client"
  cp "$dir/client.pub" "$dir/authorized_keys" && chmod 644 "$dir/authorized_keys"
  SSHD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat > "$dir/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile none
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers confide-host
Subsystem sftp internal-sftp
SetEnv JAVA_HOME=${JAVA_HOME:-}
LogLevel ERROR
CONF
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
  SSHD_PID=$!
  SSHD_KEY=$dir/client
  SSHD_KNOWN=$dir/known_hosts
  echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$dir/host_ed25519.pub")" > "$SSHD_KNOWN"
  # ready once it answers a login
  local i
  for i in $(seq 1 50); do
    ssh -q -i "$SSHD_KEY" -p "$SSHD_PORT" -o UserKnownHostsFile="$SSHD_KNOWN" -o BatchMode=yes confide-host@127.0.0.1 true \
      && return 0
    kill -0 "$SSHD_PID" 2>/dev/null || { cat "$dir/sshd.log" >&2; return 69; }
    sleep 0.1
  done
  echo "bench: sshd did not answer" >&2
  return 69
}

bench_sshd_stop() {
  [ -n "${SSHD_PID:-}" ] || return 0
  pkill -P "$SSHD_PID" 2>/dev/null || true
  kill "$SSHD_PID" 2>/dev/null || true
  wait "$SSHD_PID" 2>/dev/null || true
  rm -rf "$SSHD_DIR"
}
