#!/bin/sh
# Installs the peer servers the comparison runs against (Debian's Dovecot and Postfix), without
# ever letting a system-wide instance start: a temporary policy-rc.d refuses every service start
# during the install, and any instance that still runs afterwards is stopped. The harness then runs
# private instances on 127.0.0.1 only.
set -eu

PACKAGES="dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd postfix"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
    echo "installing:$missing"
    created_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# temporary: written by Facteur Benchmarks/install_peers.sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
    fi
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    echo "postfix postfix/mailname string bench.localhost" | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q $missing >/tmp/facteur-peers-apt.log 2>&1; then
        apt-get update -q >>/tmp/facteur-peers-apt.log 2>&1
        apt-get install -y -q $missing >>/tmp/facteur-peers-apt.log 2>&1 || {
            [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
            echo "apt-get install failed, see /tmp/facteur-peers-apt.log" >&2
            exit 1
        }
    fi
    [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
fi

# No system instance may keep running (it would listen on 0.0.0.0:25/110/143).
postfix stop >/dev/null 2>&1 || true
doveadm stop >/dev/null 2>&1 || true
if [ -f /run/dovecot/master.pid ]; then kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true; fi
if [ -f /var/spool/postfix/pid/master.pid ]; then kill "$(tr -d ' ' < /var/spool/postfix/pid/master.pid)" 2>/dev/null || true; fi
# Keep them from starting at boot on systemd machines too.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now dovecot postfix >/dev/null 2>&1 || true
fi
# Verify: nothing of Dovecot's or Postfix's may listen now (the private instances start later).
sleep 1
if command -v ss >/dev/null 2>&1; then
    leftover=$(ss -ltnpH 2>/dev/null | grep -E '"(dovecot|master|smtpd|pop3-login|imap-login)"' || true)
    if [ -n "$leftover" ]; then
        echo "install_peers.sh: a system Dovecot/Postfix is still listening:" >&2
        echo "$leftover" >&2
        exit 1
    fi
fi
echo "peers installed: dovecot $(dovecot --version 2>/dev/null | head -1), postfix $(postconf -d -h mail_version 2>/dev/null)"
