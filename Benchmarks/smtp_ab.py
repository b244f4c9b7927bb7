#!/usr/bin/env python3
"""smtp-accept A/B: two (or more) Facteur binaries, each with its own data directory, loaded in
alternation round after round with the same smtp_load.py run as compare.py's smtp-accept scenario;
per run: messages/s, DATA-to-250 p50/p90/p99/max, and the server's CPU time and context switches per
message. `--lmtp` runs the same load over LMTP (compare.py's lmtp-accept scenario).

Why: messages/s on this shared 2-core machine moves with whatever else runs (and with the disk's
fsync queue); paired runs in the same minutes plus CPU per message tell an old binary from a new
one. No peer is started.

    python3 Benchmarks/smtp_ab.py /tmp/facteur-old .build-release/release/facteur --rounds 4

A 2,000-message run's p99 is its 20th worst reply: look at p90 and max beside it before calling a
tail better or worse.
"""
import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from imap_mix_ab import cost_of, print_medians  # noqa: E402
from servers import DOMAIN, Facteur  # noqa: E402

LOAD_RE = re.compile(r"(\d+) accepted, (\d+) failed in ([\d.]+)s = (\d+) msg/s; DATA-to-250 p50 ([\d.na]+) ms, "
                     r"p99 ([\d.na]+) ms, mean [\d.na]+ ms \(p90 ([\d.na]+) ms, max ([\d.na]+) ms\)")
USERS = [f"user{n}@{DOMAIN}" for n in range(1, 6)]


def load(port: int, args) -> tuple[int, float, list[float]]:
    """One smtp_load.py run: accepted messages, msg/s and the DATA-to-250 [p50, p90, p99, max] in ms."""
    command = [sys.executable, str(HERE / "smtp_load.py"), "--port", str(port), "--messages", str(args.messages),
               "--connections", str(args.connections), "--size", str(args.size), "--max-seconds", "180"]
    if args.lmtp:
        command.append("--lmtp")
    for user in USERS:
        command += ["--rcpt", user]
    output = subprocess.run(command, capture_output=True, text=True, timeout=240)
    match = LOAD_RE.search(output.stdout)
    if output.returncode != 0 or not match:
        raise RuntimeError(f"smtp_load.py failed: {(output.stdout + output.stderr).strip()[-800:]}")
    p50, p99, p90, slowest = (float(match.group(n)) for n in (5, 6, 7, 8))
    return int(match.group(1)), float(match.group(4)), [p50, p90, p99, slowest]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--size", type=int, default=10240)
    parser.add_argument("--lmtp", action="store_true", help="deliver over LMTP instead of SMTP")
    parser.add_argument("--pause", type=float, default=0,
                        help="seconds to wait after each run, so a server's background work on the messages it "
                             "just took (full-text indexing) does not land in the next binary's run, as the "
                             "peer's run in between gives it time in compare.py")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="smtp-ab-"))
    servers = []
    try:
        for index, binary in enumerate(args.binaries):
            server = Facteur(binary, work / f"facteur{index}")
            for user in USERS:
                server.add_user(user)
            server.start()
            servers.append(server)
        figures = {binary: [] for binary in args.binaries}
        for round_number in range(args.rounds):
            for binary, server in zip(args.binaries, servers):
                pid = server.process.pid
                port = server.ports["lmtp" if args.lmtp else "smtp"]
                (accepted, rate, tail), cpu, switches = cost_of(pid, lambda: load(port, args))
                accepted = max(accepted, 1)
                cpu_ms = cpu * 1000 / accepted
                per_message = switches / accepted
                figures[binary].append((rate, cpu_ms, per_message, *tail))
                p50, p90, p99, slowest = tail
                print(f"round {round_number} {binary}: {rate:.0f} msg/s, p50/p90/p99/max {p50:.1f} / {p90:.1f} / "
                      f"{p99:.1f} / {slowest:.1f} ms, {cpu_ms:.3f} ms CPU/msg, {per_message:.1f} switches/msg",
                      flush=True)
                time.sleep(args.pause)
        print_medians(figures, ["{:.0f} msg/s", "{:.3f} ms CPU/msg", "{:.1f} switches/msg", "p50 {:.1f} ms",
                                "p90 {:.1f} ms", "p99 {:.1f} ms", "max {:.1f} ms"])
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)  # a few hundred MB per binary after 4 rounds


if __name__ == "__main__":
    main()
