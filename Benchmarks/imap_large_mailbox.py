#!/usr/bin/env python3
"""imap-large-mailbox: how an IMAP server copes with a 10,000-message mailbox the way a desktop
client first opens it: SELECT, then `UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)`
(the message list), then `SEARCH TEXT "word"` (the search box). Prints JSON: seconds for each step
(median of --runs fresh sessions), bytes of the FETCH answer, and checks that every message was
listed and that the search found the messages seeded with the word.

The mailbox is loaded beforehand over IMAP APPEND (LITERAL+ pipelined when offered), so every
server gets the same bytes the same way: `load()` or --load. Raw sockets, one command at a time;
the client parses only what it must, so it costs little and the same for every server.

    python3 Benchmarks/imap_large_mailbox.py --port 1143 --user alice@example.test --password secret --load 10000
    python3 Benchmarks/imap_large_mailbox.py --start-dovecot --load 10000     # a private Dovecot, for reference

As a module: `load(host, port, user, password, count)` then `run(host, port, user, password) -> dict`.
"""
import argparse
import json
import random
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

SEARCH_WORD = "zanzibar"
SEED_EVERY = 100  # one message in SEED_EVERY has SEARCH_WORD in its body
WORDS = ("the of and to in is that for it as was with be by on not this are or from at which but have an they "
         "courrier message serveur facteur Grüße naïve façade élève réunion").split()
SUBJECTS = ["Quarterly numbers", "=?utf-8?q?R=C3=A9union_d=27=C3=A9quipe?=", "Re: build broke again",
            "Invoice 2026-11", "=?iso-8859-1?q?Gr=FC=DFe_aus_M=FCnchen?=", "Fwd: photos"]
LITERAL_AT_END = re.compile(rb"\{(\d+)\+?\}$")


def make_message(index: int, rng: random.Random) -> bytes:
    """1-4 KB text message; every SEED_EVERY-th one mentions SEARCH_WORD (in the body only)."""
    lines = []
    for _ in range(rng.randint(12, 50)):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))))
    if index % SEED_EVERY == 0:
        lines.insert(rng.randint(0, len(lines)), f"meet me in {SEARCH_WORD} on friday")
    day = 1 + index % 28
    return (f"From: Sender {index % 97} <sender{index % 97}@remote.example>\r\n"
            f"To: Alice <alice@example.test>\r\nCc: team{index % 5}@example.test\r\n"
            f"Subject: {rng.choice(SUBJECTS)} #{index}\r\n"
            f"Date: Sun, {day} Nov 2026 10:{index % 60:02d}:00 +0000\r\n"
            f"Message-ID: <{index}.{rng.getrandbits(40):x}@remote.example>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "\r\n".join(lines) + "\r\n").encode()


class IMAPConnection:
    """One plain IMAP connection; counts the octets the server sends."""

    def __init__(self, host: str, port: int, timeout: float = 300):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.pos = 0          # start of the unread bytes in `buffer`
        self.received = 0
        self.counter = 0
        self.greeting = self.line()

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.received += len(chunk)
        if self.pos:
            del self.buffer[:self.pos]
            self.pos = 0
        self.buffer += chunk

    def line(self) -> bytes:
        """One response line with its literals inlined. A line that announces no literal (not
        ending in "}") is cut out with one search and one copy: this client shares the cores with
        the server it measures, so its own cost per line is kept low, and it is the same for every
        server."""
        end = self.buffer.find(b"\r\n", self.pos)
        if end > self.pos and self.buffer[end - 1] != 0x7D:
            piece = bytes(self.buffer[self.pos:end])
            self.pos = end + 2
            return piece
        return self._line_with_literals()

    def _line_with_literals(self) -> bytes:
        out = bytearray()
        while True:
            searched = self.pos
            while (end := self.buffer.find(b"\r\n", searched)) < 0:
                kept = max(0, len(self.buffer) - 1 - self.pos)   # a CR may end the buffer
                self._fill()
                searched = self.pos + kept
            piece = self.buffer[self.pos:end]
            self.pos = end + 2
            out += piece
            literal = LITERAL_AT_END.search(piece)
            if not literal:
                return bytes(out)
            size = int(literal.group(1))
            while len(self.buffer) - self.pos < size:
                self._fill()
            out += b"\r\n" + self.buffer[self.pos:self.pos + size]
            self.pos += size

    def command(self, text: str) -> tuple[list[bytes], bytes]:
        self.counter += 1
        tag = f"b{self.counter}".encode()
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        untagged = []
        tagged = tag + b" "
        while True:
            line = self.line()
            if line.startswith(tagged):
                if not line[len(tag) + 1:].startswith(b"OK"):
                    raise RuntimeError(f"{text.split()[0]} failed: {line[:300]!r}")
                return untagged, line
            untagged.append(line)

    def login(self, user: str, password: str):
        self.command(f"LOGIN {quote(user)} {quote(password)}")

    def capabilities(self) -> set[str]:
        untagged, _ = self.command("CAPABILITY")
        return {word.upper() for line in untagged if line.startswith(b"* CAPABILITY") for word in line.decode().split()[2:]}

    def close(self):
        try:
            self.command("LOGOUT")
        except Exception:
            pass
        self.sock.close()


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def exists_count(untagged: list[bytes]) -> int:
    for line in untagged:
        match = re.match(rb"\* (\d+) EXISTS", line)
        if match:
            return int(match.group(1))
    raise RuntimeError("SELECT gave no EXISTS")


def load(host: str, port: int, user: str, password: str, count: int = 10_000, seed: int = 11,
         mailbox: str = "INBOX", batch: int = 50) -> dict:
    """APPENDs `count` seeded messages to `mailbox` (LITERAL+ pipelined in batches when the server
    offers it, else one synchronizing literal at a time). Returns seconds and octets sent."""
    rng = random.Random(seed)
    connection = IMAPConnection(host, port)
    connection.login(user, password)
    pipelined = "LITERAL+" in connection.capabilities()
    started, sent, done = time.time(), 0, 0
    while done < count:
        size = min(batch if pipelined else 1, count - done)
        tags = []
        payload = bytearray()
        for index in range(done, done + size):
            message = make_message(index, rng)
            connection.counter += 1
            tag = f"b{connection.counter}".encode()
            tags.append(tag)
            if pipelined:
                payload += tag + f" APPEND {quote(mailbox)} (\\Seen) {{{len(message)}+}}\r\n".encode() + message + b"\r\n"
            else:
                connection.sock.sendall(tag + f" APPEND {quote(mailbox)} (\\Seen) {{{len(message)}}}\r\n".encode())
                line = connection.line()
                if not line.startswith(b"+"):
                    raise RuntimeError(f"APPEND refused: {line[:200]!r}")
                payload += message + b"\r\n"
            sent += len(message)
        connection.sock.sendall(payload)
        for tag in tags:
            while True:
                line = connection.line()
                if line.startswith(tag + b" "):
                    if not line[len(tag) + 1:].startswith(b"OK"):
                        raise RuntimeError(f"APPEND failed: {line[:200]!r}")
                    break
        done += size
    seconds = time.time() - started
    connection.close()
    return {"loaded": count, "load_seconds": round(seconds, 3), "load_octets": sent, "load_via": "IMAP APPEND"}


def one_run(host: str, port: int, user: str, password: str, mailbox: str, word: str) -> dict:
    connection = IMAPConnection(host, port)
    connection.login(user, password)
    started = time.perf_counter()
    untagged, _ = connection.command(f"SELECT {quote(mailbox)}")
    select_seconds = time.perf_counter() - started
    exists = exists_count(untagged)
    before = connection.received
    started = time.perf_counter()
    untagged, _ = connection.command("UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)")
    fetch_seconds = time.perf_counter() - started
    fetch_bytes = connection.received - before
    listed = sum(1 for line in untagged if b" FETCH (" in line[:40] and b"ENVELOPE (" in line)
    if listed != exists:
        raise RuntimeError(f"UID FETCH listed {listed} of {exists} messages")
    started = time.perf_counter()
    untagged, _ = connection.command(f"SEARCH TEXT {quote(word)}")
    search_seconds = time.perf_counter() - started
    hits = sum(len(line.split()) - 2 for line in untagged if line.startswith(b"* SEARCH"))
    connection.close()
    return {"messages": exists, "select_s": select_seconds, "fetch_s": fetch_seconds, "fetch_bytes": fetch_bytes,
            "search_s": search_seconds, "search_hits": hits}


def run(host: str, port: int, user: str, password: str, mailbox: str = "INBOX", word: str = SEARCH_WORD,
        runs: int = 3) -> dict:
    """Medians over `runs` fresh sessions of the three timings, plus the mailbox facts (each run
    sees the same count and hits, or this raises). A server's first run may warm caches: all
    runs are kept in `runs`; fetch_bytes is the last run's (a first session may also see \\Recent)."""
    results = [one_run(host, port, user, password, mailbox, word) for _ in range(max(1, runs))]
    for key in ("messages", "search_hits"):
        if len({r[key] for r in results}) != 1:
            raise RuntimeError(f"{key} changed between runs: {[r[key] for r in results]}")
    median = {key: round(statistics.median(r[key] for r in results), 4) for key in ("select_s", "fetch_s", "search_s")}
    return {"messages": results[0]["messages"], "search_word": word, "search_hits": results[0]["search_hits"],
            "expected_hits": -(-results[0]["messages"] // SEED_EVERY),
            "fetch_bytes": results[-1]["fetch_bytes"], **median,
            "runs": [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()} for r in results]}


def with_private_dovecot(args) -> dict:
    """Reference numbers: a private Dovecot from servers.py (IMAP on a free 127.0.0.1 port)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from servers import DOMAIN, PASSWORD, Dovecot
    user = f"reader@{DOMAIN}"
    with tempfile.TemporaryDirectory(prefix="imap-bench-") as root:
        dovecot = Dovecot(Path(root) / "dovecot", [user], imap=True)
        dovecot.start()
        try:
            loaded = load("127.0.0.1", dovecot.imap_port, user, PASSWORD, args.load) if args.load else {}
            return {"server": "dovecot", **loaded, **run("127.0.0.1", dovecot.imap_port, user, PASSWORD, runs=args.runs)}
        finally:
            dovecot.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--user", default="alice@example.test")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--mailbox", default="INBOX")
    parser.add_argument("--load", type=int, default=0, help="APPEND this many seeded messages first")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--start-dovecot", action="store_true", help="run against a private Dovecot")
    args = parser.parse_args()
    if args.start_dovecot:
        result = with_private_dovecot(args)
    else:
        if args.port is None:
            parser.error("--port is required (or --start-dovecot)")
        loaded = load(args.host, args.port, args.user, args.password, args.load, mailbox=args.mailbox) if args.load else {}
        result = {**loaded, **run(args.host, args.port, args.user, args.password, args.mailbox, runs=args.runs)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
