"""What the IMAP interop tests share: the server under test (Facteur by default, or a private
Dovecot with FACTEUR_IMAP_PEER=dovecot so the tests themselves can be checked against the reference
server), mail delivery to it, a raw-socket IMAP client for the bytes imaplib will not send, and the
helper that marks the few assertions only Facteur is held to.

    FACTEUR_IMAP_PEER=dovecot python3 -m pytest -q Tests/interop/test_imap_imaplib.py
"""
import imaplib
import os
import re
import select
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Facteur

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT / "Benchmarks"))
from servers import Dovecot  # noqa: E402

PEER = os.environ.get("FACTEUR_IMAP_PEER", "facteur").strip().lower() or "facteur"
if PEER not in ("facteur", "dovecot"):
    raise RuntimeError(f"FACTEUR_IMAP_PEER must be 'facteur' or 'dovecot', not {PEER!r}")
IS_FACTEUR = PEER == "facteur"

PASSWORD = "secret"
ALICE = "alice@example.test"
BOB = "bob@example.test"
SPECIAL_USE = {"Drafts": "\\Drafts", "Sent": "\\Sent", "Trash": "\\Trash", "Junk": "\\Junk", "Archive": "\\Archive"}

UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


def facteur_specific(why: str) -> bool:
    """True when the server under test is Facteur. Guards the assertions that pin Facteur's own
    choices (the exact delivery prefix, response wording, capabilities Dovecot 2.3 lacks): the
    `why` says what Dovecot does differently, so the block reads as a documented exception."""
    assert why, "say why the assertion is Facteur-specific"
    return IS_FACTEUR


facteur_only = pytest.mark.skipif(not IS_FACTEUR, reason="Facteur-only: Dovecot 2.3 has no IMAP4rev2")


def needs_dovecot():
    if shutil.which("dovecot") is None:
        pytest.skip("dovecot not installed (apt-get install dovecot-imapd dovecot-lmtpd)")


class IMAPPeer:
    """One running server with users alice and bob (password 'secret'), reachable over IMAP on
    127.0.0.1 (`imap_port` with STARTTLS, `imaps_port` implicit TLS)."""

    def __init__(self, workdir: Path):
        self.kind = PEER
        self.workdir = workdir
        self.host = "127.0.0.1"
        self.facteur = None
        self.dovecot = None
        if IS_FACTEUR:
            self.facteur = Facteur(workdir, listeners=("smtp", "imap", "imaps"))
            self.facteur.cli("domain", "add", "example.test")
            for user in (ALICE, BOB):
                self.facteur.cli("user", "add", user, "--password-stdin", stdin=PASSWORD + "\n")
        else:
            needs_dovecot()
            self.dovecot = Dovecot(workdir / "dovecot", [ALICE, BOB], imap=True)

    def start(self):
        if self.facteur:
            self._fail_fast_without_imap()
            self.facteur.start()
            self.imap_port, self.imaps_port = self.facteur.ports["imap"], self.facteur.ports["imaps"]
        else:
            self.dovecot.start()
            self.imap_port, self.imaps_port = self.dovecot.imap_port, self.dovecot.imaps_port

    _missing_imap = None

    def _fail_fast_without_imap(self):
        """A binary built before IMAP existed says so at once; fail every test in a second rather
        than after Facteur.start's 60 s wait for a listener that never comes."""
        if IMAPPeer._missing_imap is None:
            probe = self.workdir / "probe.toml"
            probe.write_text(self.facteur.config.read_text().replace(str(self.workdir / "data"),
                                                                     str(self.workdir / "probe-data")))
            process = subprocess.Popen([self.facteur.binary, "serve", "--config", str(probe)],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            output, deadline = b"", time.time() + 30
            while time.time() < deadline and b"listening imap" not in output and b"not available" not in output:
                ready, _, _ = select.select([process.stdout], [], [], 0.2)
                if ready:
                    chunk = os.read(process.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    output += chunk
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            IMAPPeer._missing_imap = b"listener imap is configured but not available" in output
        if IMAPPeer._missing_imap:
            pytest.fail("this facteur binary has no IMAP listener yet (log: 'listener imap is configured but "
                        "not available in this version')")

    def stop(self):
        """Stops the server; Facteur must still be running and exit cleanly (status 0), so a
        crash that a test tolerated as a closed connection still fails the test."""
        if self.facteur:
            alive = self.facteur.process is not None and self.facteur.process.poll() is None
            code = self.facteur.stop()
            assert alive and code == 0, f"facteur died or exited with {code}: {self.facteur.log()[-3000:]}"
        else:
            self.dovecot.stop()

    def deliver(self, raw: bytes, to: str = ALICE, sender: str = "sender@remote.test"):
        """Incoming mail the way it really arrives: Facteur's SMTP listener, Dovecot's LMTP."""
        if self.facteur:
            with smtplib.SMTP(self.host, self.facteur.ports["smtp"], timeout=60) as client:
                client.sendmail(sender, [to], raw)
        else:
            with smtplib.LMTP(self.host, self.dovecot.lmtp_port, timeout=60) as client:
                client.sendmail(sender, [to], raw)

    def deliver_many(self, messages: list[bytes], to: str = ALICE):
        if self.facteur:
            client = smtplib.SMTP(self.host, self.facteur.ports["smtp"], timeout=60)
        else:
            client = smtplib.LMTP(self.host, self.dovecot.lmtp_port, timeout=60)
        with client:
            for raw in messages:
                client.sendmail("sender@remote.test", [to], raw)

    def connect(self, user: str | None = ALICE, tls: str = "none"):
        """imaplib client, logged in as `user` (None: not logged in); tls = none | starttls | implicit."""
        if tls == "implicit":
            client = imaplib.IMAP4_SSL(self.host, self.imaps_port, ssl_context=UNVERIFIED, timeout=30)
        else:
            client = imaplib.IMAP4(self.host, self.imap_port, timeout=30)
            if tls == "starttls":
                client.starttls(ssl_context=UNVERIFIED)
        if user:
            client.login(user, PASSWORD)
        return client

    def raw(self, user: str | None = ALICE) -> "RawIMAP":
        connection = RawIMAP(self.host, self.imap_port)
        if user:
            connection.ok(f"LOGIN {user} {PASSWORD}")
        return connection


@pytest.fixture
def imap_peer(workdir):
    peer = IMAPPeer(workdir)
    peer.start()
    yield peer
    peer.stop()


def split_delivered(fetched: bytes, original: bytes, sender: str = "sender@remote.test", to: str = ALICE) -> bytes:
    """The trace lines the server put before a delivered message; the rest must be the original
    bytes exactly. Both servers add Return-Path, Delivered-To and one Received field (Facteur: the
    first two are its stored prefix, Received is part of the content)."""
    assert fetched.endswith(original), "delivered message was altered after the trace lines"
    prefix = fetched[:len(fetched) - len(original)]
    assert prefix.endswith(b"\r\n"), prefix[-200:]
    lines = prefix.split(b"\r\n")[:-1]
    for line in lines:
        assert re.match(rb"^([A-Za-z-]+: |\t)", line), f"trace line is not a header: {line!r}"
    names = [line.split(b":")[0] for line in lines if not line.startswith(b"\t")]
    assert names == [b"Return-Path", b"Delivered-To", b"Received"], prefix
    assert lines[0] == f"Return-Path: <{sender}>".encode() and lines[1] == f"Delivered-To: {to}".encode(), prefix
    if facteur_specific("Dovecot's Received names its own host and says 'with LMTP'"):
        assert b"by mx.facteur.test (Facteur) with ESMTP" in prefix, prefix
    return prefix


def make_message(subject="Hello", body="Hi there.\r\n", sender="sender@remote.test", to=ALICE,
                 message_id: str | None = None, extra_headers: str = "") -> bytes:
    message_id = message_id or re.sub(r"[^A-Za-z0-9.]", ".", subject) + "@remote.test"
    return (f"From: Sender <{sender}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n"
            f"Date: Sun, 29 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{message_id}>\r\n{extra_headers}"
            f"\r\n{body}").encode()


class RawIMAP:
    """A bare IMAP connection: sends exactly the bytes given and reads responses line by line,
    collecting literals, so the tests can speak malformed IMAP and watch unsolicited responses."""

    def __init__(self, host: str, port: int, timeout: float = 30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = bytearray()
        self.counter = 0
        self.greeting = self.line()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def _fill(self, timeout: float | None = None) -> bool:
        if timeout is not None:
            ready, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
            if not ready:
                return False
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk
        return True

    def line(self, timeout: float | None = None) -> bytes | None:
        """One response line with any literals it announces inlined; None if none came in time."""
        deadline = None if timeout is None else time.time() + timeout
        out = bytearray()
        while True:
            end = self.buffer.find(b"\r\n")
            while end < 0:
                if not self._fill(None if deadline is None else deadline - time.time()):
                    return None
                end = self.buffer.find(b"\r\n")
            piece = bytes(self.buffer[:end])
            del self.buffer[:end + 2]
            out += piece
            literal = re.search(rb"\{(\d+)\}$", piece)
            if not literal:
                return bytes(out)
            size = int(literal.group(1))
            out += b"\r\n"
            while len(self.buffer) < size:
                self._fill()
            out += self.buffer[:size]
            del self.buffer[:size]

    def tag(self) -> str:
        self.counter += 1
        return f"t{self.counter}"

    def command(self, text: str | bytes, timeout: float = 30) -> tuple[list[bytes], bytes]:
        """Sends `TAG text` and returns (untagged lines, tagged line)."""
        tag = self.tag()
        data = text.encode() if isinstance(text, str) else text
        self.send(tag.encode() + b" " + data + b"\r\n")
        return self.until_tagged(tag, timeout)

    def until_tagged(self, tag: str, timeout: float = 30) -> tuple[list[bytes], bytes]:
        untagged = []
        deadline = time.time() + timeout
        while True:
            line = self.line(deadline - time.time())
            if line is None:
                raise TimeoutError(f"no tagged reply for {tag} within {timeout}s; got {untagged[-5:]}")
            if line.startswith(tag.encode() + b" "):
                return untagged, line
            untagged.append(line)

    def ok(self, text: str | bytes) -> list[bytes]:
        untagged, tagged = self.command(text)
        assert tagged.split(b" ")[1] == b"OK", tagged
        return untagged

    def status(self, text: str | bytes) -> str:
        """The tagged status word (OK, NO, BAD) of a command."""
        return self.command(text)[1].split(b" ")[1].decode()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def response_code(lines, name: str) -> list[str] | None:
    """The arguments of the first `[NAME args]` response code in the given response lines."""
    for line in lines:
        text = line.decode(errors="replace") if isinstance(line, bytes) else str(line)
        match = re.search(r"\[" + re.escape(name) + r"(?: ([^\]]*))?\]", text, re.I)
        if match:
            return (match.group(1) or "").split()
    return None


def encode_mutf7(name: str) -> str:
    """RFC 3501 §5.1.3 modified UTF-7, written here so the test does not trust either server."""
    import base64
    out, pending = [], []

    def flush():
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()
    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)
