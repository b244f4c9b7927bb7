#!/usr/bin/env python3
"""pop3-download: logs in to a POP3 server, LISTs the mailbox and RETRs every message (no DELE),
the way a desktop client downloads a mailbox, and reports seconds and MB/s.

Raw sockets and one command at a time (no pipelining), so the client costs little and is the same
for every server. Each message's received size (after undoing dot-stuffing) is checked against
its LIST size, so a server that cuts a message short does not look fast.

    python3 Benchmarks/pop3_download.py --port 1110 --user alice@example.test --password secret --runs 3
"""
import argparse
import json
import socket
import statistics
import sys
import time

TERMINATOR = b"\r\n.\r\n"
SMALL = 16_384  # messages under this size time the per-command round trip rather than bandwidth


class POP3Connection:
    def __init__(self, host: str, port: int, timeout: float):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def _fill(self) -> int:
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk
        return len(chunk)

    def line(self) -> bytes:
        start = 0
        while True:
            end = self.buffer.find(b"\r\n", start)
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[:end + 2]
                return line
            start = max(0, len(self.buffer) - 1)
            self._fill()

    def command(self, text: str) -> bytes:
        self.sock.sendall(text.encode() + b"\r\n")
        reply = self.line()
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"{text.split()[0]} refused: {reply[:200]!r}")
        return reply

    def multiline(self, text: str) -> bytes:
        """The body of a multi-line reply, still dot-stuffed, without the status line and the final '.'."""
        self.sock.sendall(text.encode() + b"\r\n")
        # The status line's CRLF is the first CRLF of an empty body's terminator.
        start = 0
        while True:
            status_end = self.buffer.find(b"\r\n")
            if status_end >= 0:
                break
            self._fill()
        if not self.buffer.startswith(b"+OK"):
            raise RuntimeError(f"{text} refused: {bytes(self.buffer[:200])!r}")
        start = status_end
        while True:
            end = self.buffer.find(TERMINATOR, start)
            if end >= 0:
                body = bytes(self.buffer[status_end + 2:end + 2])
                del self.buffer[:end + len(TERMINATOR)]
                return body
            start = max(status_end, len(self.buffer) - len(TERMINATOR))
            self._fill()

    def close(self):
        try:
            self.command("QUIT")
        except Exception:
            pass
        self.sock.close()


def unstuffed_size(body: bytes) -> int:
    # RFC 1939 §3: a line starting with "." was sent with one more ".".
    stuffed = body.count(b"\r\n..") + (1 if body.startswith(b"..") else 0)
    return len(body) - stuffed


def download(host: str, port: int, user: str, password: str, timeout: float = 120) -> dict:
    start = time.monotonic()
    conn = POP3Connection(host, port, timeout)
    greeting = conn.line()
    if not greeting.startswith(b"+OK"):
        raise RuntimeError(f"greeting {greeting!r}")
    conn.command(f"USER {user}")
    conn.command(f"PASS {password}")
    listing = conn.multiline("LIST")
    sizes = {}
    for entry in listing.split(b"\r\n"):
        if entry:
            number, size = entry.split()[:2]
            sizes[int(number)] = int(size)
    received, mismatches, small_retr = 0, 0, []
    for number, size in sizes.items():
        retr_start = time.monotonic()
        body = conn.multiline(f"RETR {number}")
        if size < SMALL:
            small_retr.append(time.monotonic() - retr_start)
        received += len(body)
        if unstuffed_size(body) != size:
            mismatches += 1
    conn.close()
    elapsed = time.monotonic() - start
    return {"seconds": elapsed, "messages": len(sizes), "bytes": received,
            "list_bytes": sum(sizes.values()), "size_mismatches": mismatches,
            # Per-command cost, apart from bandwidth: the round trip of a small RETR.
            "small_retr_median_ms": statistics.median(small_retr) * 1000 if small_retr else 0.0}


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
    return 0 if all(r["size_mismatches"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
