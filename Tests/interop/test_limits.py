"""[limits]: the real binary with small limits; each limit is exceeded once and gets its protocol's
error (and a close where the protocol says so), and the server then serves a fresh connection."""
import base64
import re
import socket
import ssl
import time
import urllib.request

import pytest

from conftest import Facteur

LIMITS = """
[limits]
max_connections = 8
max_connections_per_address = 3
max_line_length = 1000
max_literal_size = 2048
max_message_size = 20000
max_recipients = 100
max_mailboxes_per_account = 10
max_mailbox_name_length = 40
max_mailbox_depth = 3
prelogin_timeout_seconds = 2
smtp_command_timeout_seconds = 2
smtp_data_timeout_seconds = 4
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    facteur = Facteur(tmp_path_factory.mktemp("limits"),
                      listeners=("smtp", "lmtp", "imap", "imaps", "pop3", "pop3s", "managesieve", "http"), extra_config=LIMITS)
    facteur.cli("domain", "add", "example.test")
    for user in ("alice", "bob", "carol"):
        facteur.cli("user", "add", f"{user}@example.test", "--password-stdin", stdin="secret\n")
    facteur.start()
    yield facteur
    facteur.stop()


class Line:
    """A raw line client, optionally from another loopback source address (127.0.0.x)."""

    def __init__(self, port, source="127.0.0.1"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
        self.buffer = b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def line(self) -> str:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(self.buffer)
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode(errors="replace").rstrip("\r")

    def until(self, prefix: str) -> str:
        """Lines up to and including the first that starts with `prefix`."""
        while True:
            line = self.line()
            if line.startswith(prefix):
                return line

    def closed(self, timeout=10) -> bool:
        self.sock.settimeout(timeout)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def greeting_prefix(protocol):
    return {"smtp": "220 ", "lmtp": "220 ", "imap": "* OK", "pop3": "+OK", "managesieve": "OK"}[protocol]


def fresh(server, protocol, source="127.0.0.1"):
    """A new connection gets the normal greeting; retried briefly while closed ones are released."""
    for _ in range(50):
        client = Line(server.ports[protocol], source)
        first = client.until(greeting_prefix(protocol)[:2]) if protocol != "managesieve" else client.until("")
        if protocol == "managesieve":
            while not (first.startswith("OK") or first.startswith("BYE")):
                first = client.line()
        if first.startswith(greeting_prefix(protocol)):
            return client
        client.close()
        time.sleep(0.1)
    raise AssertionError(f"{protocol} did not serve a fresh connection")


def imap_login(server, user="alice"):
    client = fresh(server, "imap")
    client.send(f"a0 LOGIN {user}@example.test secret\r\n".encode())
    assert client.until("a0 ").startswith("a0 OK")
    return client


@pytest.mark.parametrize("protocol, busy", [
    ("smtp", "421 4.7.0 "),
    ("lmtp", "421 4.7.0 "),
    ("imap", "* BYE [UNAVAILABLE] "),
    ("pop3", "-ERR [SYS/TEMP] "),
    ("managesieve", 'BYE (TRYLATER) '),
])
def test_connections_per_address(server, protocol, busy):
    source = "127.0.0.5"
    held = [fresh(server, protocol, source) for _ in range(3)]
    refused = Line(server.ports[protocol], source)
    assert refused.line().startswith(busy)
    assert refused.closed()
    # Another address is still served while this one is at its limit.
    other = fresh(server, protocol, "127.0.0.6")
    other.close()
    for client in held:
        client.close()
    fresh(server, protocol, source).close()


@pytest.mark.parametrize("protocol, greeting, busy", [
    ("imaps", "* OK", "* BYE [UNAVAILABLE] "),
    ("pop3s", "+OK", "-ERR [SYS/TEMP] "),
])
def test_connections_per_address_over_implicit_tls(server, protocol, greeting, busy):
    """The refusal is sent inside TLS, so a client on an implicit-TLS port can read it."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    def connect():
        raw = socket.create_connection(("127.0.0.1", server.ports[protocol]), timeout=10,
                                       source_address=("127.0.0.7", 0))
        tls = context.wrap_socket(raw)
        return tls, tls.recv(4096).decode()

    held = []
    for _ in range(3):
        tls, first = connect()
        assert first.startswith(greeting), first
        held.append(tls)
    tls, first = connect()
    assert first.startswith(busy), first
    tls.close()
    for client in held:
        client.close()
    for _ in range(50):
        tls, first = connect()
        tls.close()
        if first.startswith(greeting):
            return
        time.sleep(0.1)
    raise AssertionError(f"{protocol} did not serve a fresh connection")


def test_connections_in_total(server):
    held = [fresh(server, "imap", f"127.0.1.{n}") for n in range(8)]
    refused = Line(server.ports["smtp"], "127.0.1.100")
    assert refused.line().startswith("421 4.7.0 ")
    assert refused.closed()
    for client in held:
        client.close()
    fresh(server, "smtp", "127.0.1.100").close()


def test_smtp_line_length(server):
    client = fresh(server, "smtp")
    client.send(b"NOOP " + b"x" * 1500 + b"\r\n")
    assert client.line().startswith("500 5.5.6")
    client.send(b"NOOP " + b"x" * 900 + b"\r\n")
    assert client.line().startswith("250")
    client.close()


def test_pop3_line_length(server):
    client = fresh(server, "pop3")
    client.send(b"NOOP " + b"x" * 1500 + b"\r\n")
    assert client.line().startswith("-ERR")
    client.send(b"CAPA\r\n")
    assert client.line().startswith("+OK")
    client.close()


def test_imap_line_length(server):
    client = fresh(server, "imap")
    # IMAP keeps RFC 7162 §4's 8192-octet floor even with max_line_length = 1000.
    client.send(b"a1 NOOP " + b"x" * 5000 + b"\r\n")
    reply = client.until("a1 ")
    assert reply.startswith("a1 BAD") and "longer than" not in reply, reply   # read, then refused as syntax
    client.send(b"a2 NOOP " + b"x" * 20000 + b"\r\n")
    assert client.until("a2 ") == "a2 BAD command line longer than 8192 octets"
    client.send(b"a3 NOOP\r\n")
    assert client.until("a3 ").startswith("a3 OK")
    client.close()


def test_imap_literal_size(server):
    client = imap_login(server)
    client.send(b"a0 SELECT INBOX\r\n")
    assert client.until("a0 ").startswith("a0 OK")
    client.send(b"a1 SEARCH TEXT {4000}\r\n")
    reply = client.line()
    assert not reply.startswith("+"), reply
    assert "a1 " in reply or reply.startswith("* ") , reply
    if not reply.startswith("a1 "):
        reply = client.until("a1 ")
    assert reply.startswith("a1 NO") or reply.startswith("a1 BAD"), reply
    assert "TOOBIG" in reply, reply
    client.send(b"a2 SEARCH TEXT {5}\r\n")
    assert client.line().startswith("+")
    client.send(b"hello\r\n")
    assert client.until("a2 ").startswith("a2 OK")
    client.close()


def test_imap_append_over_message_size(server):
    client = imap_login(server)
    client.send(b"a1 APPEND INBOX {30000}\r\n")
    reply = client.until("a1 ")
    assert reply.startswith("a1 NO") and "TOOBIG" in reply, reply
    client.send(b"a2 NOOP\r\n")
    assert client.until("a2 ").startswith("a2 OK")
    client.close()


def smtp_transaction(server):
    client = fresh(server, "smtp")
    client.send(b"EHLO limits.test\r\n")
    client.until("250 ")
    client.send(b"MAIL FROM:<s@remote.test>\r\n")
    assert client.line().startswith("250")
    return client


def test_smtp_message_size(server):
    client = smtp_transaction(server)
    client.send(b"RCPT TO:<alice@example.test>\r\n")
    assert client.line().startswith("250")
    client.send(b"DATA\r\n")
    assert client.line().startswith("354")
    body = b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 30 + b".\r\n"
    client.send(body)
    assert client.line().startswith("552")
    client.send(b"NOOP\r\n")
    assert client.line().startswith("250")
    client.close()
    # SIZE= announced over the limit is refused at MAIL FROM (RFC 1870 §6.2).
    client = fresh(server, "smtp")
    client.send(b"EHLO limits.test\r\nMAIL FROM:<s@remote.test> SIZE=30000\r\n")
    client.until("250 ")
    assert client.line().startswith("552")
    client.close()


def test_smtp_recipients(server):
    client = smtp_transaction(server)
    for n in range(100):
        client.send(b"RCPT TO:<alice@example.test>\r\n")
        assert client.line().startswith("250"), n
    client.send(b"RCPT TO:<alice@example.test>\r\n")
    assert client.line().startswith("452 4.5.3")
    client.send(b"RSET\r\n")
    assert client.line().startswith("250")
    client.close()
    fresh(server, "smtp").close()


def test_mailbox_name_length_and_depth(server):
    client = imap_login(server, "carol")
    client.send(b"a1 CREATE " + b"n" * 41 + b"\r\n")
    assert client.until("a1 ").startswith("a1 NO [LIMIT]")
    client.send(b"a2 CREATE " + b"n" * 40 + b"\r\n")
    assert client.until("a2 ").startswith("a2 OK")
    client.send(b"a3 CREATE a/b/c/d\r\n")
    assert client.until("a3 ").startswith("a3 NO [LIMIT]")
    client.send(b"a4 CREATE a/b/c\r\n")
    assert client.until("a4 ").startswith("a4 OK")
    # RENAME moves the inferior a/b/c too: x/y/b/c would be four levels.
    client.send(b"a5 RENAME a/b x/y/b\r\n")
    assert client.until("a5 ").startswith("a5 NO [LIMIT]")
    client.send(b"a6 RENAME a/b x\r\n")
    assert client.until("a6 ").startswith("a6 OK")
    client.close()


def test_mailboxes_per_account(server):
    client = imap_login(server, "bob")
    refused = None
    for n in range(12):
        client.send(f"c{n} CREATE box{n}\r\n".encode())
        reply = client.until(f"c{n} ")
        if not reply.startswith(f"c{n} OK"):
            refused = reply
            break
    assert refused is not None and refused.startswith(f"c{n} NO [LIMIT]"), refused
    client.send(b"a1 LIST \"\" \"*\"\r\n")
    count = 0
    while True:
        line = client.line()
        if line.startswith("a1 "):
            break
        count += line.startswith("* LIST")
    assert count == 10
    client.close()


def test_imap_prelogin_timeout(server):
    client = fresh(server, "imap")
    time.sleep(3)
    assert client.line().startswith("* BYE")
    assert client.closed()
    imap_login(server).close()


def test_pop3_prelogin_timeout_and_longer_timer_after_login(server):
    client = fresh(server, "pop3")
    time.sleep(3)
    assert client.line().startswith("-ERR")
    assert client.closed()
    client = fresh(server, "pop3")
    client.send(b"USER carol@example.test\r\n")
    assert client.line().startswith("+OK")
    client.send(b"PASS secret\r\n")
    assert client.line().startswith("+OK")
    time.sleep(3)   # past prelogin_timeout_seconds: the RFC 1939 §3 autologout (10 min) applies now
    client.send(b"STAT\r\n")
    assert client.line().startswith("+OK")
    client.send(b"QUIT\r\n")
    assert client.line().startswith("+OK")
    client.close()


def test_managesieve_prelogin_timeout_and_longer_timer_after_login(server):
    client = fresh(server, "managesieve")
    time.sleep(3)
    assert client.line().startswith("BYE")
    assert client.closed()
    client = fresh(server, "managesieve")
    plain = base64.b64encode(b"\0carol@example.test\0secret").decode()
    client.send(f'AUTHENTICATE "PLAIN" "{plain}"\r\n'.encode())
    assert client.line().startswith("OK")
    time.sleep(3)   # past prelogin_timeout_seconds: the RFC 5804 §1.2 autologout (30 min) applies now
    client.send(b"NOOP\r\n")
    assert client.line().startswith("OK")
    client.send(b"LOGOUT\r\n")
    assert client.line().startswith("OK")
    client.close()


def refused_count(server, listener, reason) -> int:
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{server.ports['http']}/metrics", timeout=10).read().decode()
    match = re.search(rf'^facteur_connections_refused_total{{listener="{listener}",reason="{reason}"}} (\d+)', metrics, re.M)
    return int(match.group(1)) if match else 0


def test_refused_connections_are_counted_in_metrics(server):
    before = refused_count(server, "pop3", "per_address")
    source = "127.0.0.9"
    held = [fresh(server, "pop3", source) for _ in range(3)]
    refused = Line(server.ports["pop3"], source)
    assert refused.line().startswith("-ERR [SYS/TEMP] ")
    assert refused.closed()
    for client in held:
        client.close()
    for _ in range(50):
        if refused_count(server, "pop3", "per_address") == before + 1:
            break
        time.sleep(0.1)
    assert refused_count(server, "pop3", "per_address") == before + 1


def test_smtp_command_timeout(server):
    client = fresh(server, "smtp")
    time.sleep(3)
    assert client.line().startswith("421 4.4.2")
    assert client.closed()
    fresh(server, "smtp").close()


def imap_message_count(server, user):
    client = imap_login(server, user)
    client.send(b"s1 STATUS INBOX (MESSAGES)\r\n")
    status = client.until("* STATUS")
    assert client.until("s1 ").startswith("s1 OK")
    client.close()
    return int(re.search(r"MESSAGES (\d+)", status).group(1))


def test_smtp_data_timeout(server):
    """A client that stops in the middle of DATA: smtp_data_timeout_seconds (4), not the shorter
    command timeout (2), governs the wait; then 421 4.4.2, the connection closes, nothing is stored."""
    before = imap_message_count(server, "bob")
    client = smtp_transaction(server)
    client.send(b"RCPT TO:<bob@example.test>\r\n")
    assert client.line().startswith("250")
    client.send(b"DATA\r\n")
    assert client.line().startswith("354")
    started = time.monotonic()
    client.send(b"Subject: half\r\n\r\nthe first line, and then nothing")
    assert client.line().startswith("421 4.4.2")
    waited = time.monotonic() - started
    assert 3.5 <= waited < 9, waited
    assert client.closed()
    assert imap_message_count(server, "bob") == before
    fresh(server, "smtp").close()
