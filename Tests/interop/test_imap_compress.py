"""COMPRESS=DEFLATE (RFC 4978) with Python's imaplib and imapclient, and REPLACE (RFC 8508) with
raw commands. imaplib has no COMPRESS of its own: `CompressingIMAP4` below wraps its socket I/O in
zlib raw DEFLATE (wbits=-15) after the tagged OK, the way Thunderbird and K-9 do it.

    FACTEUR_BIN=.build/debug/facteur python3 -m pytest -q -s Tests/interop/test_imap_compress.py
    FACTEUR_IMAP_PEER=dovecot python3 -m pytest -q -s Tests/interop/test_imap_compress.py
"""
import imaplib
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from imap_support import (ALICE, PASSWORD, ROOT, UNVERIFIED, facteur_specific, imap_peer,  # noqa: F401
                          make_message, response_code)

imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))


class CompressingMixin:
    """Deflates what imaplib sends and inflates what it reads once `compress()` succeeded;
    counts octets on the wire and after inflation."""
    compressor = None
    decompressor = None

    def compress(self):
        typ, data = self._simple_command("COMPRESS", "DEFLATE")
        if typ == "OK":
            # RFC 4978 §3: the client compresses from the first command after the OK.
            self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            self.decompressor = zlib.decompressobj(-15)
            self.plain = bytearray()
            self.wire_in = self.plain_in = 0
        return typ, data

    def send(self, data):
        if self.compressor:
            data = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        super().send(data)

    def _inflate_more(self):
        chunk = self.file.read1(65536)
        if not chunk:
            raise imaplib.IMAP4.abort("server closed the compressed connection")
        self.wire_in += len(chunk)
        plain = self.decompressor.decompress(chunk)
        self.plain_in += len(plain)
        self.plain += plain

    def read(self, size):
        if not self.compressor:
            return super().read(size)
        while len(self.plain) < size:
            self._inflate_more()
        data = bytes(self.plain[:size])
        del self.plain[:size]
        return data

    def readline(self):
        if not self.compressor:
            return super().readline()
        while (end := self.plain.find(b"\n")) < 0:
            self._inflate_more()
        line = bytes(self.plain[:end + 1])
        del self.plain[:end + 1]
        return line


class CompressingIMAP4(CompressingMixin, imaplib.IMAP4):
    pass


class CompressingIMAP4_SSL(CompressingMixin, imaplib.IMAP4_SSL):
    pass


def connect(peer, tls="none") -> CompressingMixin:
    if tls == "implicit":
        client = CompressingIMAP4_SSL(peer.host, peer.imaps_port, ssl_context=UNVERIFIED, timeout=30)
    else:
        client = CompressingIMAP4(peer.host, peer.imap_port, timeout=30)
        if tls == "starttls":
            client.starttls(ssl_context=UNVERIFIED)
    client.login(ALICE, PASSWORD)
    return client


@pytest.mark.parametrize("tls", ["none", "starttls", "implicit"])
def test_compressed_session_with_imaplib(imap_peer, tls):
    for number in range(3):
        imap_peer.deliver(make_message(subject=f"Compressed {number}", body="word " * 400 + "\r\n"))
    client = connect(imap_peer, tls)
    assert b"COMPRESS=DEFLATE" in client.capability()[1][0].split()
    typ, _ = client.compress()
    assert typ == "OK"
    typ, data = client.select("INBOX")
    assert typ == "OK" and data == [b"3"]
    typ, data = client.uid("FETCH", "1:*", "(BODY.PEEK[])")
    assert typ == "OK"
    bodies = [part[1] for part in data if isinstance(part, tuple)]
    assert len(bodies) == 3 and all(b"word word" in body for body in bodies)
    # A second COMPRESS is refused and the session goes on, still compressed.
    typ, data = client._simple_command("COMPRESS", "DEFLATE")
    assert typ == "NO"
    typ, data = client.noop()
    assert typ == "OK"
    assert client.wire_in < client.plain_in / 2, (client.wire_in, client.plain_in)
    client.logout()


def test_second_compress_names_compressionactive(imap_peer):
    client = connect(imap_peer)
    assert client.compress()[0] == "OK"
    tag = client._new_tag()
    client.send(tag + b" COMPRESS DEFLATE\r\n")
    line = client.readline()
    assert line.startswith(tag + b" NO [COMPRESSIONACTIVE]"), line
    assert client.noop()[0] == "OK"
    client.logout()


def test_compress_before_login_is_refused(imap_peer):
    client = CompressingIMAP4(imap_peer.host, imap_peer.imap_port, timeout=30)
    tag = client._new_tag()
    client.send(tag + b" COMPRESS DEFLATE\r\n")
    line = client.readline()
    assert line.split(b" ")[1] in (b"BAD", b"NO"), line
    client.login(ALICE, PASSWORD)   # still plain: the refusal did not switch compression on
    client.logout()


def test_garbage_after_compress_closes_the_connection(imap_peer):
    raw = imap_peer.raw()
    raw.ok("COMPRESS DEFLATE")
    raw.send(b"\xff\xff\xff\xff not deflate at all\r\n")
    with pytest.raises((ConnectionError, TimeoutError, OSError)):
        while True:
            if raw.line(timeout=10) is None:
                raise TimeoutError("no close")
    raw.close()


def test_imapclient_over_compression(imap_peer):
    imapclient = pytest.importorskip("imapclient", reason="pip install imapclient")

    class CompressingClient(imapclient.IMAPClient):
        def _create_IMAP4(self):
            return CompressingIMAP4(self.host, self.port, timeout=30)

    imap_peer.deliver(make_message(subject="For imapclient"))
    client = CompressingClient(imap_peer.host, port=imap_peer.imap_port, ssl=False, timeout=30)
    client.login(ALICE, PASSWORD)
    assert client.has_capability("COMPRESS=DEFLATE")
    assert client._imap.compress()[0] == "OK"
    client.select_folder("INBOX")
    uids = client.search(["SUBJECT", "imapclient"])
    assert len(uids) == 1
    fetched = client.fetch(uids, ["ENVELOPE", "FLAGS", "BODYSTRUCTURE"])
    assert fetched[uids[0]][b"ENVELOPE"].subject == b"For imapclient"
    client.add_flags(uids, [b"\\Flagged"])
    assert b"\\Flagged" in client.get_flags(uids)[uids[0]]
    client.create_folder("Compressed")
    assert any(name == "Compressed" for _, _, name in client.list_folders())
    client.logout()


def test_header_fetch_compression_ratio(imap_peer, tmp_path):
    """Delivers a realistic corpus (Benchmarks/make_corpus.py) and reports how much smaller
    `UID FETCH 1:* (BODY.PEEK[HEADER])` gets on the wire (run with -s to see the figure)."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "Benchmarks" / "make_corpus.py"), "--count", "200", "--seed", "7",
                    "--out", str(corpus)], check=True, capture_output=True, timeout=300)
    messages = [path.read_bytes() for path in sorted(corpus.glob("*.eml"))]
    imap_peer.deliver_many(messages)
    client = connect(imap_peer)
    assert client.compress()[0] == "OK"
    client.select("INBOX", readonly=True)
    wire, plain = client.wire_in, client.plain_in
    typ, data = client.uid("FETCH", "1:*", "(BODY.PEEK[HEADER])")
    assert typ == "OK" and len([part for part in data if isinstance(part, tuple)]) == len(messages)
    wire, plain = client.wire_in - wire, client.plain_in - plain
    ratio = wire / plain
    print(f"\n{imap_peer.kind}: UID FETCH 1:* (BODY.PEEK[HEADER]) of {len(messages)} messages: "
          f"{plain} octets, {wire} on the wire with COMPRESS=DEFLATE ({ratio:.1%})")
    assert ratio < 0.35
    client.logout()


# REPLACE (RFC 8508), raw: neither imaplib nor imapclient knows it.

def literal_command(raw, text: str, message: bytes):
    """Sends `TAG text {n}`, waits for "+", sends the message; returns (untagged, tagged)."""
    tag = raw.tag()
    raw.send(f"{tag} {text} {{{len(message)}}}\r\n".encode())
    continuation = raw.line()
    assert continuation.startswith(b"+"), continuation
    raw.send(message + b"\r\n")
    return raw.until_tagged(tag)


def test_replace_a_draft(imap_peer):
    raw = imap_peer.raw()
    caps = raw.ok("CAPABILITY")[0]
    if not b" REPLACE" in caps and not facteur_specific("Dovecot 2.3 has no REPLACE (added in 2.4)"):
        pytest.skip("peer without REPLACE")
    raw.ok(b"APPEND Drafts (\\Draft) {%d}\r\n" % len(make_message(subject="Draft 1")) + make_message(subject="Draft 1"))
    raw.ok("SELECT Drafts")
    untagged, tagged = literal_command(raw, "REPLACE 1 Drafts (\\Draft \\Seen)", make_message(subject="Draft 2"))
    assert b" OK" in tagged, tagged
    appenduid = response_code(untagged, "APPENDUID")
    assert appenduid is not None and int(appenduid[1]) == 2, untagged
    assert b"* 1 EXPUNGE" in untagged and any(re.match(rb"\* \d+ EXISTS", line) for line in untagged), untagged
    fetched = b"".join(raw.ok("UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
    assert b"Draft 2" in fetched and b"Draft 1" not in fetched and b"UID 2" in fetched
    assert b"\\Seen" in fetched

    # UID REPLACE into another mailbox (the draft was sent: it moves to Sent).
    untagged, tagged = literal_command(raw, "UID REPLACE 2 Sent", make_message(subject="Final"))
    assert b" OK" in tagged, tagged
    assert response_code(untagged, "APPENDUID") is not None and b"* 1 EXPUNGE" in untagged, untagged
    assert raw.ok("SEARCH ALL") == [b"* SEARCH"]
    status = b"".join(raw.ok("STATUS Sent (MESSAGES)"))
    assert b"MESSAGES 1" in status

    # A missing destination: TRYCREATE, and the original stays.
    raw.ok(b"APPEND Drafts {%d}\r\n" % len(make_message(subject="Keep")) + make_message(subject="Keep"))
    raw.ok("NOOP")
    untagged, tagged = literal_command(raw, "REPLACE 1 Nowhere", make_message(subject="Lost?"))
    assert b" NO " in tagged and b"TRYCREATE" in tagged, tagged
    assert not any(b"EXPUNGE" in line for line in untagged)
    assert b"Keep" in b"".join(raw.ok("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]"))

    # A message number beyond the mailbox is BAD; EXAMINE makes REPLACE impossible.
    untagged, tagged = literal_command(raw, "REPLACE 9 Drafts", make_message(subject="x"))
    assert b" BAD " in tagged or b" NO " in tagged, tagged
    raw.ok("EXAMINE Drafts")
    untagged, tagged = literal_command(raw, "REPLACE 1 Drafts", make_message(subject="x"))
    assert b" NO " in tagged, tagged
    raw.close()


def test_replace_over_compression(imap_peer):
    client = connect(imap_peer)
    if b"REPLACE" not in client.capability()[1][0].split() and not facteur_specific("Dovecot 2.3 has no REPLACE"):
        pytest.skip("peer without REPLACE")
    assert client.compress()[0] == "OK"
    client.append("INBOX", "", imaplib.Time2Internaldate(0), make_message(subject="Old"))
    client.select("INBOX")
    imaplib.Commands.setdefault("REPLACE", ("SELECTED",))
    client.literal = make_message(subject="New")
    typ, data = client._simple_command("REPLACE", "1", "INBOX")
    assert typ == "OK", data
    typ, data = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    headers = b"".join(part[1] for part in data if isinstance(part, tuple))
    assert b"New" in headers and b"Old" not in headers
    client.logout()
