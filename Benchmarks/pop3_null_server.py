#!/usr/bin/env python3
"""pop3-null-server: the floor of the pop3-download benchmark. A minimal POP3 responder that serves
a maildrop from answers prepared before the first connection (status line, dot-stuffed body and
final "." of every RETR in one file), so a RETR costs it one recv and one os.sendfile.

Why: pop3_download.py runs on the same 2 cores as the server it measures, and on a VM a wake-up
across CPUs costs tens of microseconds each way. Timing this responder with the same client shows
the best download time any server could reach on this machine, so the ratio to Dovecot that no
server could beat is stated next to Facteur's.

It accepts any USER/PASS (no password check: login costs it nothing), answers LIST, STAT, RETR,
NOOP and QUIT, and refuses the rest. One connection at a time, in this one process, on 127.0.0.1.

    python3 Benchmarks/pop3_null_server.py CORPUS_DIR [--count N] [--port 0] [--cpu N]

Where it runs matters: with the client on the same CPU a small RETR costs two context switches;
on another CPU two cross-CPU wake-ups, which on a VM cost tens of microseconds each. With --cpu
and the client pinned to the same CPU (compare.py does both) it shows the floor.

CORPUS_DIR holds 00000.eml, 00001.eml, ... (Benchmarks/make_corpus.py). Once listening it prints
one line "listening pop3-null 127.0.0.1:PORT" and serves until killed.
"""
import argparse
import os
import re
import socket
import sys
import tempfile
from pathlib import Path

MAX_LINE = 512  # RFC 2449 §4: a command line is at most 255 octets; anything longer is refused


def stuffed_answer(message: bytes) -> bytes:
    """The whole RETR answer: status line, the message with every line starting with "." given one
    more "." (RFC 1939 §3), CRLF when it does not end with one, then ".". The corpus is CRLF."""
    body = re.sub(rb"(?m)^\.", b"..", message)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return b"+OK %d octets\r\n" % len(message) + body + b".\r\n"


class Maildrop:
    """The prepared answers, in one unlinked file so RETR is one sendfile from the page cache."""

    def __init__(self, messages: list[bytes]):
        self.sizes = [len(m) for m in messages]
        self.file = tempfile.TemporaryFile(prefix="pop3-null-")
        self.spans = []  # (offset, length) of each RETR answer in the file
        offset = 0
        for message in messages:
            answer = stuffed_answer(message)
            self.file.write(answer)
            self.spans.append((offset, len(answer)))
            offset += len(answer)
        self.file.flush()
        self.fd = self.file.fileno()
        # Read it once so the first download is served from the page cache like the rest.
        os.pread(self.fd, offset, 0)
        self.listing = (b"+OK %d messages\r\n" % len(messages)
                        + b"".join(b"%d %d\r\n" % (n + 1, size) for n, size in enumerate(self.sizes)) + b".\r\n")
        self.stat = b"+OK %d %d\r\n" % (len(messages), sum(self.sizes))


def send_span(sock: socket.socket, fd: int, offset: int, length: int):
    while length:
        sent = os.sendfile(sock.fileno(), fd, offset, length)
        if sent == 0:
            raise ConnectionError("peer closed")
        offset += sent
        length -= sent


def serve(conn: socket.socket, drop: Maildrop):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.sendall(b"+OK pop3-null ready\r\n")
    pending = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return
        pending += chunk
        while b"\r\n" in pending:
            line, pending = pending.split(b"\r\n", 1)
            words = line.split()
            verb = words[0].upper() if words else b""
            if verb == b"RETR" and len(words) == 2 and words[1].isdigit() and 1 <= int(words[1]) <= len(drop.spans):
                send_span(conn, drop.fd, *drop.spans[int(words[1]) - 1])
            elif verb in (b"USER", b"PASS", b"NOOP"):
                conn.sendall(b"+OK\r\n")
            elif verb == b"LIST" and len(words) == 1:
                conn.sendall(drop.listing)
            elif verb == b"STAT":
                conn.sendall(drop.stat)
            elif verb == b"QUIT":
                conn.sendall(b"+OK bye\r\n")
                return
            else:
                conn.sendall(b"-ERR not here\r\n")
        if len(pending) > MAX_LINE:
            conn.sendall(b"-ERR line too long\r\n")
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--count", type=int, help="serve the first N messages (default: all)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU (the floor: the client on the same one)")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    files = sorted(args.corpus.glob("[0-9]*.eml"))
    if args.count is not None:
        files = files[:args.count]
    drop = Maildrop([path.read_bytes() for path in files])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(8)
    print(f"listening pop3-null 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        try:
            serve(conn, drop)
        except (ConnectionError, OSError):
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
