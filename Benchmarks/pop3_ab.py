#!/usr/bin/env python3
"""pop3-download A/B: two (or more) Facteur binaries, each with the pop3-download corpus imported
into its own data directory, downloaded in alternation round after round by the same client as
compare.py's pop3-download (the compiled `facteur-bench pop3-download` when
Benchmarks/FacteurBench is built, else Benchmarks/pop3_download.py in-process); per download: wall time,
the server's CPU time and context switches, and the phases (login, small and large RETRs).

Why: a download's wall time on this shared 2-core machine moves with whatever else runs, and the
client shares the CPUs; paired downloads in the same minutes plus the server's CPU time and
context switches per download tell an old binary from a new one. No peer is started.
`--sha` first checks that every binary sends the same octets: SHA-256 over all RETR answers as
they arrive on the wire (status line, dot-stuffed body, final ".").

    python3 Benchmarks/pop3_ab.py /tmp/pop11-old .build-release/release/facteur --rounds 6 --downloads 5 --sha
"""
import argparse
import hashlib
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from imap_mix_ab import cost_of  # noqa: E402
from make_corpus import write_corpus  # noqa: E402
from pop3_download import BENCH_CLIENT, POP3Connection, compiled_client_download, download  # noqa: E402
from servers import DOMAIN, PASSWORD, Facteur  # noqa: E402

USER = f"reader@{DOMAIN}"


def wire_digest(port: int) -> tuple[str, int]:
    """SHA-256 of every RETR answer's octets as sent, and the number of messages."""
    conn = POP3Connection("127.0.0.1", port, 120)
    conn.line()
    conn.command(f"USER {USER}")
    conn.command(f"PASS {PASSWORD}")
    numbers = [int(entry.split()[0]) for entry in conn.multiline("LIST").split(b"\r\n") if entry]
    digest = hashlib.sha256()
    for number in numbers:
        start = conn.read
        body_start, body_end = conn._multiline_span(f"RETR {number}")
        end = body_end + 3  # ".\r\n" after the body's last CRLF
        digest.update(conn.area[start:end])
        conn._consume(end)
    conn.close()
    return digest.hexdigest(), len(numbers)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--downloads", type=int, default=5, help="downloads per binary and round")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7, help="the corpus seed (compare.py's default)")
    parser.add_argument("--sha", action="store_true", help="compare the RETR answers' octets first")
    parser.add_argument("--python-client", action="store_true",
                        help="download with pop3_download.py in this process, not the compiled facteur-bench")
    args = parser.parse_args()
    if args.python_client or not BENCH_CLIENT.exists():
        def fetch(port: int, user: str, password: str) -> dict:
            return download("127.0.0.1", port, user, password)
        print("client: Benchmarks/pop3_download.py (in this process)", flush=True)
    else:
        fetch = compiled_client_download
        print(f"client: {BENCH_CLIENT}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="pop3-ab-"))
    write_corpus(work / "corpus", args.messages, args.seed)
    servers = []
    try:
        for index, binary in enumerate(args.binaries):
            server = Facteur(binary, work / f"facteur{index}")
            server.add_user(USER)
            server.cli("import", USER, "--format", "mbox", str(work / "corpus" / "corpus.mbox"))
            server.start()
            servers.append(server)
        if args.sha:
            for binary, server in zip(args.binaries, servers):
                digest, count = wire_digest(server.ports["pop3"])
                print(f"{binary}: SHA-256 of {count} RETR answers {digest}", flush=True)
        for server in servers:  # warm-up: caches, the page cache, the hashing pool
            fetch(port=server.ports["pop3"], user=USER, password=PASSWORD)
        # Per round and binary: the downloads' median wall time and phases, and the server's CPU
        # time and context switches over all of them divided by their number (/proc counts CPU in
        # clock ticks of 10 ms: a single download's figure would be mostly rounding).
        figures = {binary: [] for binary in args.binaries}
        for round_number in range(args.rounds):
            for binary, server in zip(args.binaries, servers):
                runs, cpu, switches = cost_of(server.process.pid, lambda: [
                    fetch(port=server.ports["pop3"], user=USER, password=PASSWORD) for _ in range(args.downloads)])
                if any(run["size_mismatches"] for run in runs):
                    raise RuntimeError(f"{binary}: messages differ from their LIST size")
                median = lambda key: statistics.median(run["phases"][key] for run in runs) * 1000  # noqa: E731
                row = (statistics.median(run["seconds"] for run in runs) * 1000, cpu * 1000 / len(runs),
                       switches / len(runs), median("login_s"), median("small_retr_s"), median("large_retr_s"))
                figures[binary].append(row)
                print(f"round {round_number} {binary}: " + describe([row]), flush=True)
        for binary, rows in figures.items():
            print(f"{binary}: median of {len(rows)} rounds: " + describe(rows))
            for name, column in (("wall", 0), ("CPU", 1), ("switches", 2)):
                values = sorted(row[column] for row in rows)
                print(f"  {name} per download, rounds' range: {values[0]:.1f}-{values[-1]:.1f}")
    finally:
        for server in servers:
            server.stop()


def describe(rows: list[tuple]) -> str:
    wall, cpu, switches, login, small, large = (statistics.median(row[i] for row in rows) for i in range(6))
    return (f"wall {wall:.0f} ms, server CPU {cpu:.1f} ms, {switches:.0f} switches per download; "
            f"login {login:.1f} ms, small RETRs {small:.0f} ms, large RETRs {large:.0f} ms")


if __name__ == "__main__":
    main()
