#!/usr/bin/env python3
"""pop3-download: logs in to a POP3 server, LISTs the mailbox and RETRs every message (no DELE),
the way a desktop client downloads a mailbox, and reports seconds and MB/s.

Raw sockets and one command at a time (no pipelining), so the client costs little and is the same
for every server. Each message's received size (after undoing dot-stuffing) is checked against
its LIST size, so a server that cuts a message short does not look fast. Each run's JSON also
splits the time into phases (login, LIST, small RETRs, large RETRs) to show where it goes.

    python3 Benchmarks/pop3_download.py --port 1110 --user alice@example.test --password secret --runs 3
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

TERMINATOR = b"\r\n.\r\n"
SMALL = 16_384  # messages under this size time the per-command round trip rather than bandwidth
HERE = Path(__file__).resolve().parent


class POP3Connection:
    """A POP3 client that costs little per byte: replies are received straight into one reusable
    area (recv_into at the write offset, no per-recv allocation, no appends, no deletes from the
    front) and a RETR's body is counted where it lies, never copied. The client shares the CPU with
    the server it measures, so every copy here would be charged to both servers' times alike."""

    INITIAL_CAPACITY = 8 << 20

    def __init__(self, host: str, port: int, timeout: float):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.area = bytearray(self.INITIAL_CAPACITY)
        self.view = memoryview(self.area)
        self.read = 0   # first unconsumed byte
        self.write = 0  # end of the received bytes

    def _fill(self) -> None:
        if self.write == len(self.area):
            self._make_room()
        count = self.sock.recv_into(self.view[self.write:])
        if not count:
            raise ConnectionError("server closed the connection")
        self.write += count

    def _make_room(self) -> None:
        """Moves the unconsumed bytes to the front, and doubles the area when they fill it."""
        pending = self.write - self.read
        if self.read == 0 or pending > len(self.area) // 2:
            self.view.release()
            self.area.extend(bytes(len(self.area)))
            self.view = memoryview(self.area)
        if self.read:
            self.area[:pending] = self.area[self.read:self.write]
            self.read, self.write = 0, pending

    def _consume(self, end: int) -> None:
        self.read = end
        if self.read == self.write:
            self.read = self.write = 0

    def _find(self, needle: bytes, start: int) -> int:
        """Offset of `needle` at or after `start`, receiving more until it arrives."""
        while True:
            found = self.area.find(needle, start, self.write)
            if found >= 0:
                return found
            # Bytes already searched need not be searched again, but a needle may straddle reads;
            # offsets shift when _fill moves the pending bytes to the front.
            searched = max(start, self.write - len(needle) + 1) - self.read
            self._fill()
            start = self.read + searched

    def line(self) -> bytes:
        end = self._find(b"\r\n", self.read)
        line = bytes(self.area[self.read:end])
        self._consume(end + 2)
        return line

    def command(self, text: str) -> bytes:
        self.sock.sendall(text.encode() + b"\r\n")
        reply = self.line()
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"{text.split()[0]} refused: {reply[:200]!r}")
        return reply

    def _multiline_span(self, text: str) -> tuple[int, int]:
        """Sends `text` and waits for its whole multi-line reply; returns the body's start and end
        offsets in the area (still dot-stuffed, with its last CRLF, without the final '.')."""
        self.sock.sendall(text.encode() + b"\r\n")
        # The status line's CRLF is the first CRLF of an empty body's terminator.
        status_end = self._find(b"\r\n", self.read)
        if not self.area.startswith(b"+OK", self.read):
            raise RuntimeError(f"{text} refused: {bytes(self.area[self.read:status_end])[:200]!r}")
        status_offset = status_end - self.read
        end = self._find(TERMINATOR, status_end)
        return self.read + status_offset + 2, end + 2

    def multiline(self, text: str) -> bytes:
        """The body of a multi-line reply, still dot-stuffed, without the status line and the final '.'."""
        body_start, body_end = self._multiline_span(text)
        body = bytes(self.area[body_start:body_end])
        self._consume(body_end + len(TERMINATOR) - 2)
        return body

    def retrieve_counts(self, text: str) -> tuple[int, int]:
        """Like `multiline`, but returns only the body's octets on the wire and its size with
        dot-stuffing undone, counted where it lies."""
        body_start, body_end = self._multiline_span(text)
        # RFC 1939 §3: a line starting with "." was sent with one more "."; the status line's CRLF
        # (just before body_start) lets a first line "..x" count too.
        stuffed = self.area.count(b"\r\n..", body_start - 2, body_end)
        self._consume(body_end + len(TERMINATOR) - 2)
        return body_end - body_start, body_end - body_start - stuffed

    def close(self):
        try:
            self.command("QUIT")
        except Exception:
            pass
        self.sock.close()


def download(host: str, port: int, user: str, password: str, timeout: float = 120) -> dict:
    start = time.monotonic()
    client_cpu_start = time.process_time()
    conn = POP3Connection(host, port, timeout)
    greeting = conn.line()
    if not greeting.startswith(b"+OK"):
        raise RuntimeError(f"greeting {greeting!r}")
    login_start = time.monotonic()
    conn.command(f"USER {user}")
    conn.command(f"PASS {password}")
    list_start = time.monotonic()
    listing = conn.multiline("LIST")
    sizes = {}
    for entry in listing.split(b"\r\n"):
        if entry:
            number, size = entry.split()[:2]
            sizes[int(number)] = int(size)
    list_end = time.monotonic()
    received, mismatches, small_retr, large_retr = 0, 0, [], []
    for number, size in sizes.items():
        retr_start = time.monotonic()
        octets, unstuffed = conn.retrieve_counts(f"RETR {number}")
        (small_retr if size < SMALL else large_retr).append(time.monotonic() - retr_start)
        received += octets
        if unstuffed != size:
            mismatches += 1
    conn.close()
    elapsed = time.monotonic() - start
    return {"seconds": elapsed, "client_cpu_s": time.process_time() - client_cpu_start, "messages": len(sizes), "bytes": received,
            "list_bytes": sum(sizes.values()), "size_mismatches": mismatches,
            # Per-command cost, apart from bandwidth: the round trip of a small RETR.
            "small_retr_median_ms": statistics.median(small_retr) * 1000 if small_retr else 0.0,
            # Where the time goes: USER+PASS, LIST, and the sums of the small and the large RETRs
            # (the rest of `seconds` is connecting, the greeting and QUIT).
            "phases": {"login_s": list_start - login_start, "list_s": list_end - list_start,
                       "small_retr_s": sum(small_retr), "small_retr_count": len(small_retr),
                       "large_retr_s": sum(large_retr), "large_retr_count": len(large_retr)}}


BENCH_CLIENT = HERE / "FacteurBench" / ".build" / "release" / "facteur-bench"


def compiled_client_download(port: int, user: str, password: str, label: str = "server", pin: int | None = None,
                             client: Path = BENCH_CLIENT, pipeline: int = 1) -> dict:
    """One download by the compiled client (Benchmarks/FacteurBench: `facteur-bench pop3-download`,
    the same figures as `download`), which spends a fraction of this Python client's CPU on the
    cores it shares with the server; `pin` runs it on that one CPU; `pipeline` RETRs in flight."""
    return _client_process_download([str(client), "pop3-download", "--pipeline", str(pipeline)], port, user, password,
                                    label, pin)


def python_client_download(port: int, user: str, password: str, label: str = "server", pin: int | None = None) -> dict:
    """`download` in a process of its own (pinned to one CPU if `pin` is given), like the compiled client."""
    return _client_process_download([sys.executable, str(Path(__file__).resolve())], port, user, password, label, pin)


def _client_process_download(command: list[str], port: int, user: str, password: str, label: str,
                             pin: int | None) -> dict:
    output = subprocess.run(command + ["--port", str(port), "--user", user, "--password", password, "--runs", "1",
                                       "--label", label, "--json"], capture_output=True, text=True, timeout=300,
                            preexec_fn=(lambda: os.sched_setaffinity(0, {pin})) if pin is not None else None)
    if not output.stdout.strip():
        raise RuntimeError(f"{' '.join(command)} failed: {output.stderr.strip()[-800:]}")
    return json.loads(output.stdout)["runs"][0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--label", default="server")
    parser.add_argument("--json", action="store_true", help="print one JSON object (for compare.py)")
    args = parser.parse_args()
    runs = [download(args.host, args.port, args.user, args.password) for _ in range(args.runs)]
    median = statistics.median(r["seconds"] for r in runs)
    result = {"label": args.label, "runs": runs, "median_seconds": median,
              "mb_per_second": runs[0]["bytes"] / 1e6 / median if median else 0}
    if args.json:
        print(json.dumps(result))
    else:
        times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        print(f"{args.label}: {runs[0]['messages']} messages, {runs[0]['bytes'] / 1e6:.1f} MB, median of "
              f"{args.runs} runs {median:.2f}s = {result['mb_per_second']:.1f} MB/s (runs: {times}; "
              f"size mismatches: {sum(r['size_mismatches'] for r in runs)}; "
              f"small RETR median {statistics.median(r['small_retr_median_ms'] for r in runs):.2f} ms)")
        for r in runs:
            p = r["phases"]
            print(f"  phases: login {p['login_s'] * 1000:.1f} ms, LIST {p['list_s'] * 1000:.1f} ms, "
                  f"{p['small_retr_count']} small RETRs {p['small_retr_s'] * 1000:.0f} ms, "
                  f"{p['large_retr_count']} large RETRs {p['large_retr_s'] * 1000:.0f} ms")
    return 0 if all(r["size_mismatches"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
