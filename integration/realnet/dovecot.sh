#!/usr/bin/env bash
# realnet add-on (intake, issue 17): a Dovecot IMAP server on loopback serving the reports that
# realnet's Postfix delivered to tlsrpt@example.test plus the shared corpus's report e-mails, for
# mtasts-it's *IntakeRealnetIT (mtasts report fetch --imap).
#
#   dovecot.sh start   configure and start Dovecot (stops a previous one of ours first)
#   dovecot.sh sync    copy messages Postfix delivered since into the served INBOX (idempotent)
#   dovecot.sh stop    stop it by its PID file
#
# Ports: 127.0.0.1:10143 (IMAP, STARTTLS offered) and 127.0.0.1:10993 (IMAPS), both with a
# certificate for localhost/127.0.0.1 issued by the realnet CA (trust $REALNET_DIR/certs/ca.pem).
# State: $REALNET_DIR/dovecot/ (config, users, password, Maildirs, logs, dovecot.properties).
# The served mailbox is a copy: Dovecot never touches Postfix's Maildir, whose new/ other tests
# watch. User tlsrpt; folders INBOX (Postfix's deliveries) and Corpus (../shared/corpus/messages).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${REALNET_DIR:-/tmp/realnet}
D=$STATE/dovecot
CORPUS=${MTASTS_CORPUS:-$HERE/../../../shared/corpus}
USER_NAME=tlsrpt
UIDN=65534
GIDN=65534
[ "$(id -u)" = 0 ] || { echo "dovecot.sh: run as root" >&2; exit 1; }

alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

stop() {
  local f=$D/run/master.pid pid i
  rm -f "$D/dovecot.properties"
  [ -s "$f" ] || { echo "dovecot: not running"; return 0; }
  pid=$(tr -dc 0-9 < "$f")
  if [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "dovecot.*-c $D/dovecot.conf"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; echo "dovecot: killed $pid"; else echo "dovecot: stopped $pid"; fi
  else
    echo "dovecot: not running"
  fi
  rm -f "$f"
}

# copy_into SRC_FILE DEST_MAILDIR NAME: one message into DEST/new unless NAME is there already
copy_into() {
  local src=$1 dest=$2 name=$3
  if ! ls "$dest/new/$name" "$dest/cur/$name" "$dest/cur/$name":* >/dev/null 2>&1; then
    install -o $UIDN -g $GIDN -m 600 "$src" "$dest/tmp/$name"
    mv "$dest/tmp/$name" "$dest/new/$name"
  fi
}

maildir() { install -d -o $UIDN -g $GIDN -m 700 "$1" "$1/new" "$1/cur" "$1/tmp"; }

sync() {
  local inbox=$D/mail/$USER_NAME f base n=0
  maildir "$inbox"
  for f in "$STATE"/mail/tlsrpt/new/* "$STATE"/mail/tlsrpt/cur/*; do
    [ -f "$f" ] || continue
    base=$(basename "$f"); base=${base%%:*}
    copy_into "$f" "$inbox" "postfix-$base"; n=$((n + 1))
  done
  echo "dovecot: INBOX holds the $n messages Postfix delivered to tlsrpt@example.test"
}

start() {
  command -v dovecot >/dev/null || { echo "dovecot.sh: dovecot is not installed (apt-get install dovecot-imapd)" >&2; exit 1; }
  stop >/dev/null
  mkdir -p "$D/run" "$D/state" "$D/logs"
  # A certificate for localhost and 127.0.0.1 from realnet's intermediate CA (kept while valid and
  # issued by the CA of this run: setup.sh may have made a new one).
  if ! openssl x509 -in "$D/imap.pem" -noout -checkend 86400 >/dev/null 2>&1 \
      || ! openssl verify -CAfile "$STATE/certs/ca.pem" -untrusted "$STATE/ca/int.pem" "$D/imap.pem" >/dev/null 2>&1; then
    openssl req -new -newkey rsa:2048 -nodes -keyout "$D/imap.key" -subj "/CN=localhost" -out "$D/imap.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$D/imap.ext"
    openssl x509 -req -in "$D/imap.csr" -CA "$STATE/ca/int.pem" -CAkey "$STATE/ca/int.key" -CAcreateserial \
      -CAserial "$D/imap.srl" -days 30 -sha256 -extfile "$D/imap.ext" -out "$D/imap.pem" 2>/dev/null
    cat "$D/imap.pem" "$STATE/ca/int.pem" > "$D/imap.fullchain.pem"
    chmod 600 "$D/imap.key"
  fi
  # The user's password: random, in a file only root reads (the tests pass --password-file).
  if [ ! -s "$D/password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$D/password")
  fi
  (umask 077; printf '%s:{PLAIN}%s\n' "$USER_NAME" "$(cat "$D/password")" > "$D/users")
  chown root:dovecot "$D/users" 2>/dev/null || true
  chmod 640 "$D/users"
  install -d -o $UIDN -g $GIDN -m 700 "$D/mail"
  sync
  local corpus=$D/mail/$USER_NAME/.Corpus f m=0
  maildir "$corpus"
  if [ -d "$CORPUS/messages" ]; then
    for f in "$CORPUS"/messages/*.eml; do
      copy_into "$f" "$corpus" "corpus-$(basename "$f")"; m=$((m + 1))
    done
  fi
  printf 'Corpus\n' > "$D/mail/$USER_NAME/subscriptions"
  chown -R $UIDN:$GIDN "$D/mail"
  cat > "$D/dovecot.conf" <<CONF
# realnet add-on: written by integration/realnet/dovecot.sh; not /etc/dovecot.
instance_name = realnet-intake
base_dir = $D/run
state_dir = $D/state
protocols = imap
listen = 127.0.0.1
log_path = $D/logs/dovecot.log
info_log_path = $D/logs/dovecot.log
ssl = yes
ssl_cert = <$D/imap.fullchain.pem
ssl_key = <$D/imap.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $UIDN
last_valid_uid = $UIDN
mail_location = maildir:$D/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/users
}
userdb {
  driver = static
  args = uid=$UIDN gid=$GIDN home=$D/home/%u
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 10993
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
  dovecot -c "$D/dovecot.conf"
  local i
  for i in $(seq 1 100); do
    [ -s "$D/run/master.pid" ] && (exec 3<>/dev/tcp/127.0.0.1/10993) 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>/dev/tcp/127.0.0.1/10993) 2>/dev/null || { echo "dovecot did not come up, see $D/logs/dovecot.log" >&2; exit 1; }
  {
    echo "# realnet add-on dovecot.sh: written once Dovecot answered; deleted by dovecot.sh stop"
    echo "imap=127.0.0.1:10143"
    echo "imaps=127.0.0.1:10993"
    echo "host=localhost"
    echo "user=$USER_NAME"
    echo "password.file=$D/password"
    echo "ca=$STATE/certs/ca.pem"
    echo "inbox.maildir=$D/mail/$USER_NAME"
    echo "corpus.folder=Corpus"
    echo "corpus.messages=$m"
    echo "sync=$HERE/dovecot.sh sync"
  } > "$D/dovecot.properties.tmp"
  mv "$D/dovecot.properties.tmp" "$D/dovecot.properties"
  echo "dovecot: started $(cat "$D/run/master.pid") on 127.0.0.1:10143 (STARTTLS) and 127.0.0.1:10993 (TLS); corpus: $m messages"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  sync) sync ;;
  *) echo "usage: $0 start|stop|sync" >&2; exit 64 ;;
esac
