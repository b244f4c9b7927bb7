#!/bin/sh
# Facteur vs Postfix + Dovecot on this machine, one command, loopback only, under 15 minutes:
#   Benchmarks/compare.sh [compare.py options, e.g. --rounds 3 --keep]
# Installs the Debian peers if missing (no system instance is left running), then runs
# Benchmarks/compare.py, which starts private instances in a temp dir, runs the scenarios in
# alternation, prints the table and records it in Benchmarks/RESULTS.md.
# FACTEUR_BIN picks the binary (default: the release build of this checkout, built if needed).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT"

if [ "$(id -u)" != 0 ]; then
    echo "compare.sh: run as root (it installs packages and starts Dovecot/Postfix as root)" >&2
    exit 1
fi

# Without FACTEUR_BIN, the release build of this checkout, brought up to date first (on a fresh
# machine: the build libraries, then ~10 minutes of compiling on 2 cores; a few seconds when current).
BIN=${FACTEUR_BIN:-}
if [ -z "$BIN" ]; then
    "$ROOT/scripts/setup"
    echo "compare.sh: building the release binary (.build-release)" >&2
    swift build -c release --product facteur --scratch-path "$ROOT/.build-release" >/dev/null
    BIN="$ROOT/.build-release/release/facteur"
fi
[ -x "$BIN" ] || { echo "compare.sh: no facteur binary at $BIN" >&2; exit 1; }

"$HERE/install_peers.sh" || echo "compare.sh: peer install failed; the peers will be skipped" >&2

# The compiled load generator (Benchmarks/FacteurBench: no dependencies, ~15 s from scratch).
# Without it compare.py falls back to the Python clients, which cost the shared CPUs more.
swift build -c release --package-path "$HERE/FacteurBench" >/dev/null \
    || echo "compare.sh: building Benchmarks/FacteurBench failed; pop3-download uses the Python client" >&2

# compare.py stops its own servers; should it be killed, the trap stops whatever is left in
# this run's work directory (and only there). The timeout bounds the whole run.
WORK=$(mktemp -d /tmp/facteur-bench-XXXXXX)
case " $* " in *" --keep "*) KEEP=1 ;; *) KEEP= ;; esac
cleanup() {
    if [ -f "$WORK/facteur/serve.pid" ]; then kill "$(cat "$WORK/facteur/serve.pid")" 2>/dev/null || true; fi
    if [ -f "$WORK/dovecot/run/master.pid" ]; then kill "$(cat "$WORK/dovecot/run/master.pid")" 2>/dev/null || true; fi
    if [ -f "$WORK/postfix/etc/main.cf" ]; then postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1 || true; fi
    [ -n "$KEEP" ] || rm -rf "$WORK"
    # Only 127.0.0.1 was ever bound; say so if anything of the peers is still listening anywhere.
    if command -v ss >/dev/null 2>&1 && ss -ltnpH 2>/dev/null | grep -E '"(dovecot|master|smtpd|pop3-login)"'; then
        echo "compare.sh: WARNING: the listeners above belong to a Dovecot/Postfix still running" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
status=0
timeout --signal=INT --kill-after=30 840 python3 "$HERE/compare.py" --facteur "$BIN" --work-dir "$WORK" \
    --command "Benchmarks/compare.sh${*:+ $*}" "$@" || status=$?
exit $status
