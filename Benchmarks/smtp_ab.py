#!/usr/bin/env python3
"""smtp-accept A/B: two (or more) Facteur binaries, each with its own data directory, loaded in
alternation round after round with the same smtp_load.py run as compare.py's smtp-accept scenario;
per run: messages/s, DATA-to-250 p99, and the server's CPU time and context switches per message.

Why: messages/s on this shared 2-core machine moves with whatever else runs (and with the disk's
fsync queue); paired runs in the same minutes plus CPU per message tell an old binary from a new
one. No peer is started.

    python3 Benchmarks/smtp_ab.py /tmp/facteur-old .build-release/release/facteur --rounds 4
"""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from imap_mix_ab import cost_of, print_medians  # noqa: E402
from servers import DOMAIN, Facteur  # noqa: E402

LOAD_RE = re.compile(r"(\d+) accepted, (\d+) failed in ([\d.]+)s = (\d+) msg/s; DATA-to-250 p50 ([\d.na]+) ms, "
                     r"p99 ([\d.na]+) ms")
USERS = [f"user{n}@{DOMAIN}" for n in range(1, 6)]


def load(port: int, args) -> tuple[int, float, float]:
    command = [sys.executable, str(HERE / "smtp_load.py"), "--port", str(port), "--messages", str(args.messages),
               "--connections", str(args.connections), "--size", str(args.size), "--max-seconds", "180"]
    for user in USERS:
        command += ["--rcpt", user]
    output = subprocess.run(command, capture_output=True, text=True, timeout=240)
    match = LOAD_RE.search(output.stdout)
    if output.returncode != 0 or not match:
        raise RuntimeError(f"smtp_load.py failed: {(output.stdout + output.stderr).strip()[-800:]}")
    return int(match.group(1)), float(match.group(4)), float(match.group(6))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--size", type=int, default=10240)
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
                (accepted, rate, p99), cpu, switches = cost_of(pid, lambda: load(server.ports["smtp"], args))
                accepted = max(accepted, 1)
                cpu_ms = cpu * 1000 / accepted
                per_message = switches / accepted
                figures[binary].append((rate, cpu_ms, per_message))
                print(f"round {round_number} {binary}: {rate:.0f} msg/s, p99 {p99:.1f} ms, {cpu_ms:.3f} ms CPU/msg, "
                      f"{per_message:.1f} switches/msg", flush=True)
        print_medians(figures, ["{:.0f} msg/s", "{:.3f} ms CPU/msg", "{:.1f} switches/msg"])
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
