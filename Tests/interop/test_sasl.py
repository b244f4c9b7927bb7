"""SASL against the real server: SCRAM-SHA-256 computed here with hashlib/hmac (RFC 5802 §3,
RFC 7677) over IMAP and POP3, AUTHENTICATE LOGIN, and app passwords with imaplib and poplib that
work until they are revoked."""
import base64
import hashlib
import hmac
import imaplib
import os
import poplib
import socket
import stringprep
import unicodedata
import urllib.request

import pytest

from conftest import Facteur


@pytest.fixture
def server(workdir):
    server = Facteur(workdir, listeners=("imap", "pop3", "http"))
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.cli("user", "add", "bob@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    yield server
    server.stop()


def saslprep(text: str) -> str:
    """RFC 4013 as a reference, written here from Python's stringprep tables (RFC 3454)."""
    mapped = "".join(" " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c))
    prepared = unicodedata.ucd_3_2_0.normalize("NFKC", mapped)
    prohibited = (stringprep.in_table_c12, stringprep.in_table_c21, stringprep.in_table_c22, stringprep.in_table_c3,
                  stringprep.in_table_c4, stringprep.in_table_c5, stringprep.in_table_c6, stringprep.in_table_c7,
                  stringprep.in_table_c8, stringprep.in_table_c9)
    if not prepared or any(table(c) for c in prepared for table in prohibited):
        raise ValueError("prohibited")
    if any(stringprep.in_table_d1(c) for c in prepared):
        if any(stringprep.in_table_d2(c) for c in prepared) or not (
                stringprep.in_table_d1(prepared[0]) and stringprep.in_table_d1(prepared[-1])):
            raise ValueError("bidi")
    return prepared


class ScramClient:
    """The client side of SCRAM-SHA-256, written from RFC 5802 §3."""

    def __init__(self, user: str, password: str):
        self.user = user
        self.password = password
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.server_signature = None

    def first(self) -> bytes:
        self.first_bare = f"n={self.user.replace('=', '=3D').replace(',', '=2C')},r={self.nonce}"
        return ("n,," + self.first_bare).encode()

    def final(self, server_first: bytes) -> bytes:
        text = server_first.decode()
        fields = dict(item.split("=", 1) for item in text.split(","))
        assert fields["r"].startswith(self.nonce)
        salt = base64.b64decode(fields["s"])
        iterations = int(fields["i"])
        assert iterations >= 4096
        # RFC 5802 §2.2 Normalize(password): SASLprep.
        salted = hashlib.pbkdf2_hmac("sha256", saslprep(self.password).encode(), salt, iterations)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        without_proof = f"c={base64.b64encode(b'n,,').decode()},r={fields['r']}"
        auth_message = f"{self.first_bare},{text},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        self.server_signature = hmac.new(server_key, auth_message, hashlib.sha256).digest()
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()

    def verify(self, server_final: bytes) -> bool:
        return server_final.decode() == "v=" + base64.b64encode(self.server_signature).decode()


def imap_scram(port: int, user: str, password: str):
    """AUTHENTICATE SCRAM-SHA-256 through imaplib; returns (typ, verified server proof)."""
    client = imaplib.IMAP4("127.0.0.1", port)
    scram = ScramClient(user, password)
    verified = []

    def answer(challenge: bytes) -> bytes:
        if not challenge:
            return scram.first()
        if challenge.startswith(b"r="):
            return scram.final(challenge)
        verified.append(scram.verify(challenge))
        return b""

    try:
        typ, _ = client.authenticate("SCRAM-SHA-256", answer)
    except imaplib.IMAP4.error:
        client.logout()
        return "NO", False
    client.select("INBOX")
    client.logout()
    return typ, verified == [True]


class Pop3Line:
    """A raw POP3 connection: poplib has no AUTH with challenges."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.file = self.sock.makefile("rb")
        assert self.line().startswith("+OK")

    def line(self) -> str:
        return self.file.readline().decode().rstrip("\r\n")

    def command(self, text: str) -> str:
        self.sock.sendall(text.encode() + b"\r\n")
        return self.line()

    def close(self):
        self.command("QUIT")
        self.sock.close()


def pop3_scram(port: int, user: str, password: str):
    connection = Pop3Line(port)
    scram = ScramClient(user, password)
    reply = connection.command("AUTH SCRAM-SHA-256 " + base64.b64encode(scram.first()).decode())
    assert reply.startswith("+ "), reply
    reply = connection.command(base64.b64encode(scram.final(base64.b64decode(reply[2:]))).decode())
    if not reply.startswith("+ "):
        connection.close()
        return reply, False
    verified = scram.verify(base64.b64decode(reply[2:]))
    reply = connection.command("")
    connection.close()
    return reply, verified


def test_capabilities_list_the_mechanisms(server):
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    assert {"AUTH=PLAIN", "AUTH=LOGIN", "AUTH=SCRAM-SHA-256"} <= set(client.capabilities)
    assert not any(c.endswith("-PLUS") for c in client.capabilities)
    client.logout()
    connection = Pop3Line(server.ports["pop3"])
    connection.sock.sendall(b"CAPA\r\n")
    lines = []
    while (line := connection.line()) != ".":
        lines.append(line)
    assert "SASL PLAIN LOGIN SCRAM-SHA-256" in lines
    connection.close()


def test_failed_logins_are_counted_and_refused_addresses_shown(server):
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    with pytest.raises(imaplib.IMAP4.error):
        client.authenticate("LOGIN", lambda challenge: b"alice@example.test" if b"User" in challenge else b"wrong")
    client.logout()
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{server.ports['http']}/metrics").read().decode()
    assert 'facteur_imap_logins_total{listener="imap",result="failure"} 1' in metrics
    assert "facteur_login_refused_addresses 0" in metrics


def test_scram_sha256_imap_and_pop3(server):
    # Keys are made by `facteur user add`: SCRAM works before any password login.
    typ, verified = imap_scram(server.ports["imap"], "alice@example.test", "secret")
    assert typ == "OK" and verified
    reply, verified = pop3_scram(server.ports["pop3"], "alice@example.test", "secret")
    assert reply.startswith("+OK") and verified
    typ, _ = imap_scram(server.ports["imap"], "alice@example.test", "wrong")
    assert typ == "NO"
    reply, _ = pop3_scram(server.ports["pop3"], "bob@example.test", "wrong")
    assert reply.startswith("-ERR [AUTH]")
    # Unknown users get a server-first-message all the same, then fail.
    reply, _ = pop3_scram(server.ports["pop3"], "nobody@example.test", "secret")
    assert reply.startswith("-ERR [AUTH]")


def test_scram_after_passwd_and_imap_authenticate_login(server):
    server.cli("user", "passwd", "bob@example.test", "--password-stdin", stdin="n3w pass\n")
    typ, verified = imap_scram(server.ports["imap"], "bob@example.test", "n3w pass")
    assert typ == "OK" and verified
    typ, _ = imap_scram(server.ports["imap"], "bob@example.test", "secret")
    assert typ == "NO"
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    answers = iter([b"bob@example.test", b"n3w pass"])
    typ, _ = client.authenticate("LOGIN", lambda _: next(answers))
    assert typ == "OK"
    client.logout()


def test_app_password_until_revoked(server):
    phone = server.cli("user", "app-password", "add", "alice@example.test", "phone").stdout.strip()
    laptop = server.cli("user", "app-password", "add", "alice@example.test", "laptop").stdout.strip()
    assert len(phone) == 19 and phone != laptop
    listing = server.cli("user", "app-password", "list", "alice@example.test").stdout
    assert "phone" in listing and "laptop" in listing and phone not in listing

    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    assert client.login("alice@example.test", phone)[0] == "OK"
    client.logout()
    pop = poplib.POP3("127.0.0.1", server.ports["pop3"])
    pop.user("alice@example.test")
    assert pop.pass_(phone).startswith(b"+OK")
    pop.quit()
    # The app password's SCRAM keys share the account's salt, so SCRAM takes it too.
    typ, verified = imap_scram(server.ports["imap"], "alice@example.test", phone)
    assert typ == "OK" and verified

    server.cli("user", "app-password", "revoke", "alice@example.test", "phone")
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    with pytest.raises(imaplib.IMAP4.error):
        client.login("alice@example.test", phone)
    client.logout()
    pop = poplib.POP3("127.0.0.1", server.ports["pop3"])
    pop.user("alice@example.test")
    with pytest.raises(poplib.error_proto):
        pop.pass_(phone)
    pop.quit()
    typ, _ = imap_scram(server.ports["imap"], "alice@example.test", phone)
    assert typ == "NO"

    # The other app password and the account password still work.
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    assert client.login("alice@example.test", laptop)[0] == "OK"
    client.logout()
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    assert client.login("alice@example.test", "secret")[0] == "OK"
    client.logout()
    assert "phone" not in server.cli("user", "app-password", "list", "alice@example.test").stdout
    assert server.cli("user", "app-password", "revoke", "alice@example.test", "phone", check=False).returncode != 0


# A soft hyphen (mapped to nothing), a no-break space (mapped to SPACE) and a full-width digit
# (NFKC): the password is stored in its prepared form, "IX 1".
TYPED = "I\u00adX\u00a0\uff11"
EQUIVALENT = "\u2168 1"


def imap_plain(port: int, user: str, password: str) -> str:
    client = imaplib.IMAP4("127.0.0.1", port)
    try:
        typ, _ = client.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())
    except imaplib.IMAP4.error:
        typ = "NO"
    client.logout()
    return typ


def test_saslprep_non_ascii_password_with_scram_and_plain(server):
    assert saslprep(TYPED) == saslprep(EQUIVALENT) == "IX 1"
    server.cli("user", "add", "carol@example.test", "--password-stdin", stdin=TYPED + "\n")
    # SCRAM from keys made by `facteur user add`, the client normalising as RFC 5802 §2.2 says.
    typ, verified = imap_scram(server.ports["imap"], "carol@example.test", EQUIVALENT)
    assert typ == "OK" and verified
    reply, verified = pop3_scram(server.ports["pop3"], "carol@example.test", TYPED)
    assert reply.startswith("+OK") and verified, reply
    # PLAIN and IMAP LOGIN carry the password as typed; the server prepares it.
    assert imap_plain(server.ports["imap"], "carol@example.test", TYPED) == "OK"
    assert imap_plain(server.ports["imap"], "carol@example.test", EQUIVALENT) == "OK"
    assert imap_plain(server.ports["imap"], "carol@example.test", "IX1") == "NO"


def test_saslprep_prohibited_password_is_refused_like_a_wrong_one(server):
    with pytest.raises(ValueError):
        saslprep("bad\u0007pw")
    # Cannot be set...
    result = server.cli("user", "add", "dan@example.test", "--password-stdin", stdin="bad\u0007pw\n", check=False)
    assert result.returncode != 0
    assert "SASLprep" in result.stderr + result.stdout
    # ...and logging in with one answers exactly like a wrong password.
    wrong = imap_plain(server.ports["imap"], "alice@example.test", "wrong")
    prohibited = imap_plain(server.ports["imap"], "alice@example.test", "secret\u202e")
    assert wrong == prohibited == "NO"
