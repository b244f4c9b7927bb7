#!/usr/bin/env python3
"""imap-sync: the figures issue 4 asks for, on the 10,000-message mailbox that
imap_large_mailbox.py loads:

- QRESYNC resync: a "phone" knows the mailbox (UIDVALIDITY, HIGHESTMODSEQ), goes away; another
  session makes 100 changes (50 flag changes, 25 expunges, 25 new messages); the phone comes back
  with `SELECT INBOX (QRESYNC (uidvalidity modseq))`: bytes the server sends and seconds until the
  tagged OK (median of --runs; each run makes its own 100 changes);
- `SEARCH BODY word`, `SORT (DATE) UTF-8 ALL`: seconds (n/a when the server lacks SORT);
- COMPRESS=DEFLATE: wire bytes and the ratio of `UID FETCH 1:* (BODY.PEEK[HEADER])`
  (n/a when the server does not offer COMPRESS=DEFLATE).

Raw sockets, one command at a time, the same client for every server.

    python3 Benchmarks/imap_sync_report.py --port 1143 --user alice@example.test --password secret
As a module: `run(host, port, user, password, runs) -> dict`.
"""
import argparse
import json
import random
import re
import statistics
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imap_large_mailbox import SEARCH_WORD, IMAPConnection, make_message, quote  # noqa: E402

CHANGES = {"flags": 50, "expunges": 25, "new": 25}


class DeflateSocket:
    """RFC 4978 on the client side: raw deflate both ways, a sync flush after every command.
    Counts the compressed bytes that arrive (`wire_received`)."""

    def __init__(self, sock):
        self.sock = sock
        self.compressor = zlib.compressobj(wbits=-15)
        self.decompressor = zlib.decompressobj(wbits=-15)
        self.wire_received = 0

    def sendall(self, data: bytes):
        self.sock.sendall(self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH))

    def recv(self, size: int) -> bytes:
        while True:
            chunk = self.sock.recv(size)
            if not chunk:
                return b""
            self.wire_received += len(chunk)
            data = self.decompressor.decompress(chunk)
            if data:
                return data

    def close(self):
        self.sock.close()


def session(host, port, user, password) -> IMAPConnection:
    connection = IMAPConnection(host, port)
    connection.login(user, password)
    return connection


def mailbox_state(untagged: list[bytes]) -> tuple[int, int, int]:
    """(EXISTS, UIDVALIDITY, HIGHESTMODSEQ) from a SELECT's untagged responses."""
    text = b"\n".join(untagged)
    exists = int(re.search(rb"\* (\d+) EXISTS", text).group(1))
    validity = int(re.search(rb"UIDVALIDITY (\d+)", text).group(1))
    modseq = int(re.search(rb"HIGHESTMODSEQ (\d+)", text).group(1))
    return exists, validity, modseq


def make_changes(host, port, user, password, round_number: int):
    """50 flag changes, 25 expunges, 25 APPENDs, spread over the mailbox."""
    connection = session(host, port, user, password)
    untagged, _ = connection.command("SELECT INBOX")
    exists = int(re.search(rb"\* (\d+) EXISTS", b"\n".join(untagged)).group(1))
    rng = random.Random(1000 + round_number)
    numbers = rng.sample(range(1, exists + 1), CHANGES["flags"] + CHANGES["expunges"])
    flagged, doomed = numbers[:CHANGES["flags"]], numbers[CHANGES["flags"]:]
    connection.command(f"STORE {','.join(map(str, flagged))} +FLAGS.SILENT (\\Flagged)")
    connection.command(f"STORE {','.join(map(str, doomed))} +FLAGS.SILENT (\\Deleted)")
    connection.command("EXPUNGE")
    for index in range(CHANGES["new"]):
        message = make_message(50_000 + 100 * round_number + index, rng)
        connection.counter += 1
        tag = f"b{connection.counter}".encode()
        connection.sock.sendall(tag + f" APPEND INBOX () {{{len(message)}}}\r\n".encode())
        if not connection.line().startswith(b"+"):
            raise RuntimeError("APPEND refused")
        connection.sock.sendall(message + b"\r\n")
        while not (line := connection.line()).startswith(tag + b" "):
            pass
        if not line[len(tag) + 1:].startswith(b"OK"):
            raise RuntimeError(f"APPEND failed: {line[:200]!r}")
    connection.close()


def qresync_once(host, port, user, password, round_number: int) -> dict:
    phone = session(host, port, user, password)
    phone.command("ENABLE QRESYNC")
    untagged, _ = phone.command("SELECT INBOX (CONDSTORE)")
    _, validity, modseq = mailbox_state(untagged)
    phone.close()

    make_changes(host, port, user, password, round_number)

    phone = session(host, port, user, password)
    phone.command("ENABLE QRESYNC")
    before = phone.received
    started = time.perf_counter()
    untagged, _ = phone.command(f"SELECT INBOX (QRESYNC ({validity} {modseq}))")
    seconds = time.perf_counter() - started
    octets = phone.received - before
    phone.close()
    vanished = sum(1 for line in untagged if line.startswith(b"* VANISHED"))
    fetches = sum(1 for line in untagged if b" FETCH (" in line[:40])
    if vanished == 0 or fetches < CHANGES["flags"] + CHANGES["new"] - 5:
        raise RuntimeError(f"QRESYNC answer looks wrong: {vanished} VANISHED, {fetches} FETCH")
    return {"seconds": seconds, "octets": octets, "fetches": fetches}


def timed(connection: IMAPConnection, command: str) -> tuple[float, list[bytes]]:
    started = time.perf_counter()
    untagged, _ = connection.command(command)
    return time.perf_counter() - started, untagged


def compress_ratio(host, port, user, password) -> dict | None:
    connection = session(host, port, user, password)
    if "COMPRESS=DEFLATE" not in connection.capabilities():
        connection.close()
        return None
    connection.command("SELECT INBOX")
    connection.command("COMPRESS DEFLATE")
    wire = DeflateSocket(connection.sock)
    connection.sock = wire
    before_plain, before_wire = connection.received, wire.wire_received
    seconds, _ = timed(connection, "UID FETCH 1:* (BODY.PEEK[HEADER])")
    plain, compressed = connection.received - before_plain, wire.wire_received - before_wire
    connection.close()
    return {"plain_octets": plain, "wire_octets": compressed, "ratio": round(plain / max(compressed, 1), 2),
            "seconds": seconds}


def run(host: str, port: int, user: str, password: str, runs: int = 3) -> dict:
    resyncs = [qresync_once(host, port, user, password, n) for n in range(max(1, runs))]
    connection = session(host, port, user, password)
    capabilities = connection.capabilities()
    connection.command("SELECT INBOX")
    search = [timed(connection, f"SEARCH BODY {quote(SEARCH_WORD)}") for _ in range(max(1, runs))]
    hits = sum(len(line.split()) - 2 for line in search[0][1] if line.startswith(b"* SEARCH"))
    sorts = {}
    if "SORT" in capabilities:
        # Issue 8: one figure per key family (a date column, the base subject, an address).
        for name, criteria in (("date", "DATE"), ("subject", "SUBJECT"), ("from", "FROM")):
            sorts[name] = [timed(connection, f"SORT ({criteria}) UTF-8 ALL")[0] for _ in range(max(1, runs))]
    connection.close()
    compress = compress_ratio(host, port, user, password)
    return {
        "qresync_s": round(statistics.median(r["seconds"] for r in resyncs), 4),
        "qresync_octets": int(statistics.median(r["octets"] for r in resyncs)),
        "search_body_s": round(statistics.median(s[0] for s in search), 4), "search_body_hits": hits,
        **{f"sort_{name}_s": round(statistics.median(times), 4) if times else None
           for name, times in (("date", sorts.get("date")), ("subject", sorts.get("subject")),
                               ("from", sorts.get("from")))},
        "compress": compress,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="alice@example.test")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.host, args.port, args.user, args.password, args.runs), indent=2))


if __name__ == "__main__":
    main()
