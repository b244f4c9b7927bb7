#!/usr/bin/env python3
"""imap-large A/B: two (or more) Facteur binaries, each with its own copy of the same 10,000-message
mailbox, alternating round after round; per round a fresh session's `UID FETCH 1:* (UID FLAGS
RFC822.SIZE INTERNALDATE ENVELOPE)`, reporting the server's CPU time per FETCH (several per round).

Why: the FETCH's wall time moves with whatever else runs on a shared machine; the server's CPU
for the same FETCH, measured in the same minutes for both binaries, tells an old one from a new one.

    python3 Benchmarks/imap_large_ab.py /tmp/facteur-old .build-release/release/facteur --rounds 8
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import imap_large_mailbox  # noqa: E402
from imap_mix_ab import cpu_seconds  # noqa: E402
from servers import DOMAIN, PASSWORD, Facteur  # noqa: E402


MESSAGE_LIST = "UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE"


def fetch_cpu(server: Facteur, user: str, fetches: int, items: str = MESSAGE_LIST) -> tuple[float, float, int]:
    """Server CPU seconds, wall seconds and octets per message-list FETCH, over `fetches` of them in
    a fresh session (the kernel counts CPU in 10 ms ticks: one FETCH is a few ticks)."""
    connection = imap_large_mailbox.IMAPConnection("127.0.0.1", server.ports["imap"])
    connection.login(user, PASSWORD)
    connection.command("SELECT INBOX")
    pid = server.process.pid
    before_cpu, before_bytes, started = cpu_seconds(pid), connection.received, time.perf_counter()
    for _ in range(fetches):
        connection.command(f"UID FETCH 1:* ({items})")
    wall = (time.perf_counter() - started) / fetches
    cpu = (cpu_seconds(pid) - before_cpu) / fetches
    octets = (connection.received - before_bytes) // fetches
    connection.close()
    return cpu, wall, octets


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--fetches", type=int, default=10, help="FETCHes per round, for the CPU tick's sake")
    parser.add_argument("--items", default=MESSAGE_LIST,
                        help="FETCH items, e.g. imap-mix's 'BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE "
                             "MESSAGE-ID)] FLAGS' (per message: a row and a range read)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="imap-large-ab-"))
    user = "large@" + DOMAIN
    servers = []
    try:
        for index, binary in enumerate(args.binaries):
            server = Facteur(binary, work / f"facteur{index}")
            server.add_user(user)
            server.start()
            imap_large_mailbox.load("127.0.0.1", server.ports["imap"], user, PASSWORD, count=args.messages)
            fetch_cpu(server, user, 1, args.items)  # warm-up: caches, mapped pages
            servers.append(server)
        figures = {binary: [] for binary in args.binaries}
        sizes = {binary: set() for binary in args.binaries}
        for round_number in range(args.rounds):
            for binary, server in zip(args.binaries, servers):
                cpu, wall, octets = fetch_cpu(server, user, args.fetches, args.items)
                figures[binary].append(cpu)
                sizes[binary].add(octets)
                print(f"round {round_number} {binary}: {cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall, "
                      f"{octets} octets", flush=True)
        for binary, values in figures.items():
            print(f"{binary}: median {statistics.median(values) * 1000:.0f} ms CPU per FETCH "
                  f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}), octets {sorted(sizes[binary])}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
