#!/usr/bin/env python3
"""imap-mix A/B: two (or more) Facteur binaries, each serving its own copy of the same data, run in
alternation, round after round, reporting per run the server's CPU time and its threads' context
switches per operation.

Why: on a shared machine ops/s move with whatever else runs; measured in the same minutes, paired
figures of CPU and context switches per operation (each store trip costs two thread hand-offs) are
what tells an old binary from a new one. No peer is started.

    python3 Benchmarks/imap_mix_ab.py /tmp/facteur-old .build-release/release/facteur --rounds 4 --seconds 8 [--tls]
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import imap_mix  # noqa: E402
from make_corpus import mboxrd, write_corpus  # noqa: E402
from servers import DOMAIN, PASSWORD, Facteur  # noqa: E402


def context_switches(pid: int) -> int:
    """Voluntary and involuntary switches of every thread of the process."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:
            pass  # a thread that ended meanwhile
    return total


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cost_of(pid: int, work):
    """Runs `work()`; returns its result, the server's CPU seconds and its context switches meanwhile."""
    cpu, switches = cpu_seconds(pid), context_switches(pid)
    result = work()
    return result, cpu_seconds(pid) - cpu, context_switches(pid) - switches


def print_medians(figures: dict, columns: list[str]):
    """One line per binary: the median of each column of its per-round tuples."""
    for binary, values in figures.items():
        medians = [sorted(v[i] for v in values)[len(values) // 2] for i in range(len(columns))]
        print(f"{binary}: median " + ", ".join(column.format(m) for column, m in zip(columns, medians)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="imap-mix-ab-"))
    write_corpus(work / "corpus", args.messages, 7)
    mbox = work / "mix.mbox"
    mbox.write_bytes(b"".join(mboxrd((work / "corpus" / f"{i:05d}.eml").read_bytes()) for i in range(args.messages)))
    pattern = "mix{n}@" + DOMAIN
    servers = []
    try:
        for index, binary in enumerate(args.binaries):
            server = Facteur(binary, work / f"facteur{index}")
            for n in range(1, args.clients + 1):
                server.add_user(pattern.format(n=n))
                server.cli("import", pattern.format(n=n), "--format", "mbox", str(mbox))
            server.start()
            servers.append(server)
        figures = {binary: [] for binary in args.binaries}
        for round_number in range(args.rounds):
            for binary, server in zip(args.binaries, servers):
                pid = server.process.pid
                result, cpu, switches = cost_of(pid, lambda: imap_mix.run(
                    "127.0.0.1", server.ports["imaps" if args.tls else "imap"], pattern, PASSWORD,
                    args.clients, args.seconds, tls=args.tls))
                operations = max(result["operations"], 1)
                cpu_ms = cpu * 1000 / operations
                per_op = switches / operations
                figures[binary].append((cpu_ms, per_op))
                print(f"round {round_number} {binary}: {result['ops_per_s']:.0f} ops/s, {cpu_ms:.3f} ms CPU/op, "
                      f"{per_op:.1f} switches/op, client {result['client_cpu_ms_per_op']:.3f} ms CPU/op, "
                      f"{len(result['errors'])} errors", flush=True)
                # Per command: the writes (STORE, APPEND, EXPUNGE) wait for the writer and its fsync.
                print("    p50/p99 ms: " + ", ".join(
                    f"{name} {figures_of['p50_ms']:.1f}/{figures_of['p99_ms']:.1f}"
                    for name, figures_of in result["commands"].items() if figures_of["count"]), flush=True)
        print_medians(figures, ["{:.3f} ms CPU/op", "{:.1f} switches/op"])
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)  # the servers' data directories: hundreds of MB


if __name__ == "__main__":
    main()
