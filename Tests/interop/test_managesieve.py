"""ManageSieve (RFC 5804) against the real server: Debian's sieve-connect, and a small raw-socket
client for what sieve-connect does not show (STARTTLS with certificate checks, literals, codes).
A script uploaded over ManageSieve then sorts an SMTP delivery."""
import base64
import shutil
import smtplib
import socket
import ssl
import subprocess

import pytest

from conftest import Facteur, message
from test_sasl import ScramClient

SCRIPT = ('require ["fileinto", "mailbox"];\r\n'
          'if header :contains "subject" "newsletter" {\r\n  fileinto :create "News";\r\n}\r\n')


@pytest.fixture
def sieve(workdir):
    server = Facteur(workdir, listeners=("smtp", "managesieve", "http"))
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    yield server
    server.stop()


def certificate(server) -> str:
    return str(server.workdir / "data" / "tls" / "selfsigned.crt")


class SieveClient:
    """Just enough ManageSieve to drive the server by hand: strings quoted or literal."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.file = self.sock.makefile("rb")

    def send(self, data: bytes):
        self.sock.sendall(data)

    def line(self) -> bytes:
        """One line with any {n} literal it announces read and inlined."""
        result = b""
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError("server closed the connection")
            assert line.endswith(b"\r\n"), line
            line = line[:-2]
            result += line
            if line.endswith(b"}") and b"{" in line:
                count = int(line[line.rindex(b"{") + 1:-1])
                result += b"\r\n" + self.file.read(count)
                continue
            return result

    def response(self):
        lines = []
        while True:
            line = self.line()
            if line.split(b" ")[0].upper() in (b"OK", b"NO", b"BYE"):
                return lines, line
            lines.append(line)

    def command(self, text: bytes):
        self.send(text + b"\r\n")
        return self.response()

    def starttls(self, cafile: str, hostname: str):
        _, final = self.command(b"STARTTLS")
        assert final.startswith(b"OK"), final
        context = ssl.create_default_context(cafile=cafile)
        self.sock = context.wrap_socket(self.sock, server_hostname=hostname)
        self.file = self.sock.makefile("rb")
        return self.response()

    def close(self):
        self.sock.close()


def plain(user="alice@example.test", password="secret") -> bytes:
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode())


def literal(data: bytes) -> bytes:
    return b"{%d+}\r\n" % len(data) + data


def test_raw_client_starttls_upload_and_delivery(sieve):
    client = SieveClient(sieve.ports["managesieve"])
    capabilities, greeting = client.response()
    assert greeting.startswith(b"OK")
    assert b'"STARTTLS"' in capabilities and b'"VERSION" "1.0"' in capabilities
    # The certificate in the data directory names the configured hostname.
    after, final = client.starttls(certificate(sieve), "mx.facteur.test")
    assert final.startswith(b"OK") and b'"STARTTLS"' not in after and b'"SASL" "PLAIN LOGIN SCRAM-SHA-256"' in after
    _, ok = client.command(b'AUTHENTICATE "PLAIN" ' + literal(plain()))
    assert ok.startswith(b"OK"), ok
    _, bad = client.command(b'PUTSCRIPT "broken" ' + literal(b"#comment\r\nInvalidSieveCommand;\r\n"))
    assert bad.startswith(b"NO") and b"2:1:" in bad
    assert client.command(b'PUTSCRIPT "sort" ' + literal(SCRIPT.encode()))[1].startswith(b"OK")
    assert client.command(b'SETACTIVE "sort"')[1].startswith(b"OK")
    listing, _ = client.command(b"LISTSCRIPTS")
    assert listing == [b'"sort" ACTIVE']
    got, _ = client.command(b'GETSCRIPT "sort"')
    assert got == [b"{%d}\r\n" % len(SCRIPT) + SCRIPT.encode()]
    assert client.command(b'DELETESCRIPT "sort"')[1].startswith(b"NO (ACTIVE)")
    assert client.command(b'NOOP "sync"')[1] == b'OK (TAG "sync") "Done"'
    assert client.command(b"LOGOUT")[1].startswith(b"OK")
    client.close()
    # The script uploaded over ManageSieve is what delivery runs.
    with smtplib.SMTP("127.0.0.1", sieve.ports["smtp"]) as smtp:
        smtp.sendmail("n@remote.test", ["alice@example.test"], message("Weekly newsletter"))
    assert "Subject: Weekly newsletter" in sieve.cli("export", "alice@example.test", "--mailbox", "News").stdout
    assert sieve.cli("sieve", "list", "alice@example.test").stdout.strip() == "sort\tactive"


def test_raw_client_plain_continuation_on_loopback(sieve):
    client = SieveClient(sieve.ports["managesieve"])
    client.response()
    client.send(b'AUTHENTICATE "PLAIN"\r\n')
    assert client.line() == b'""'
    _, ok = client.command(b'"' + plain() + b'"')
    assert ok.startswith(b"OK")
    capabilities, _ = client.command(b"CAPABILITY")
    assert b'"OWNER" "alice@example.test"' in capabilities
    client.close()


sieve_connect = pytest.mark.skipif(shutil.which("sieve-connect") is None, reason="sieve-connect not installed")


def run_sieve_connect(server, *args, stdin="secret\n", cwd=None):
    command = ["sieve-connect", "--nosrv", "--server", "127.0.0.1", "--port", str(server.ports["managesieve"]),
               "--user", "alice@example.test", "--passwordfd", "0", "--tlscafile", certificate(server),
               "--tlshostname", "localhost", "--noclearauth", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60, cwd=cwd)


@sieve_connect
def test_sieve_connect_upload_list_activate_download_delete(sieve, workdir):
    local = workdir / "vacation.sieve"
    local.write_text(SCRIPT.replace("\r\n", "\n"))
    upload = run_sieve_connect(sieve, "--localsieve", str(local), "--remotesieve", "filters", "--upload")
    assert upload.returncode == 0, upload.stderr
    check = run_sieve_connect(sieve, "--localsieve", str(local), "--checkscript")
    assert check.returncode == 0, check.stderr
    activate = run_sieve_connect(sieve, "--remotesieve", "filters", "--activate")
    assert activate.returncode == 0, activate.stderr
    listing = run_sieve_connect(sieve, "--list")
    assert listing.returncode == 0, listing.stderr
    assert "filters" in listing.stdout and "ACTIVE" in listing.stdout.upper()
    downloaded = workdir / "downloaded.sieve"
    download = run_sieve_connect(sieve, "--remotesieve", "filters", "--localsieve", str(downloaded), "--download")
    assert download.returncode == 0, download.stderr
    assert downloaded.read_text() == SCRIPT.replace("\r\n", "\n")
    assert sieve.cli("sieve", "list", "alice@example.test").stdout.strip() == "filters\tactive"
    refused = run_sieve_connect(sieve, "--remotesieve", "filters", "--delete")
    assert refused.returncode != 0   # the active script
    assert run_sieve_connect(sieve, "--deactivate").returncode == 0
    assert run_sieve_connect(sieve, "--remotesieve", "filters", "--delete").returncode == 0
    assert sieve.cli("sieve", "list", "alice@example.test").stdout.strip() == ""


@sieve_connect
def test_sieve_connect_reports_compile_errors_and_bad_passwords(sieve, workdir):
    broken = workdir / "broken.sieve"
    broken.write_text("#comment\nInvalidSieveCommand;\n")
    upload = run_sieve_connect(sieve, "--localsieve", str(broken), "--upload")
    assert upload.returncode != 0
    assert "2:1:" in upload.stdout + upload.stderr
    wrong = run_sieve_connect(sieve, "--list", stdin="wrong\n")
    assert wrong.returncode != 0


def unquote(line: bytes) -> bytes:
    """A challenge line: a quoted string, or a literal that SieveClient.line() already inlined."""
    if line.startswith(b'"') and line.endswith(b'"'):
        return line[1:-1]
    if line.startswith(b"{"):
        return line.split(b"\r\n", 1)[1]
    return line


def sieve_scram(client: SieveClient, user: str, password: str, initial_response: bool = True):
    """AUTHENTICATE "SCRAM-SHA-256" with the SCRAM client of test_sasl; returns (final line, verified)."""
    scram = ScramClient(user, password)
    first = base64.b64encode(scram.first())
    if initial_response:
        client.send(b'AUTHENTICATE "SCRAM-SHA-256" "' + first + b'"\r\n')
    else:
        client.send(b'AUTHENTICATE "SCRAM-SHA-256"\r\n')
        assert client.line() == b'""'   # RFC 5804 §2.1: the empty challenge is an empty string
        client.send(literal(first) + b"\r\n")
    challenge = client.line()
    if challenge.split(b" ")[0] in (b"NO", b"BYE"):
        return challenge, False
    final = base64.b64encode(scram.final(base64.b64decode(unquote(challenge))))
    _, done = client.command(b'"' + final + b'"')
    # RFC 5804 §2.1: the server-final-message comes in the SASL response code of the OK.
    prefix = b'OK (SASL "'
    if not done.startswith(prefix):
        return done, False
    server_final = base64.b64decode(done[len(prefix):done.index(b'"', len(prefix))])
    return done, scram.verify(server_final)


def test_scram_sha256_from_python(sieve):
    # Keys are made by `facteur user add`: SCRAM works before any password login.
    client = SieveClient(sieve.ports["managesieve"])
    capabilities, _ = client.response()
    assert b'"SASL" "PLAIN LOGIN SCRAM-SHA-256"' in capabilities   # loopback: passwords allowed too
    final, verified = sieve_scram(client, "alice@example.test", "wrong")
    assert final == b'NO "authentication failed"' and not verified
    final, verified = sieve_scram(client, "alice@example.test", "secret", initial_response=False)
    assert final.startswith(b"OK") and verified, final
    listing, ok = client.command(b"CAPABILITY")
    assert b'"OWNER" "alice@example.test"' in listing and ok.startswith(b"OK")
    assert client.command(b'PUTSCRIPT "sort" ' + literal(SCRIPT.encode()))[1].startswith(b"OK")
    assert client.command(b"UNAUTHENTICATE")[1].startswith(b"OK")
    assert client.command(b"LISTSCRIPTS")[1].startswith(b"NO")
    final, verified = sieve_scram(client, "alice@example.test", "secret")
    assert verified, final
    assert client.command(b"LISTSCRIPTS")[0] == [b'"sort"']
    client.close()


@pytest.fixture
def strict_sieve(workdir):
    """plaintext_auth = "never": passwords only over TLS, even from this machine."""
    server = Facteur(workdir, listeners=("managesieve",),
                     extra_config='\n[security]\nplaintext_auth = "never"\n')
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    yield server
    server.stop()


def test_plaintext_never_refuses_every_mechanism_before_starttls(strict_sieve):
    """DESIGN.md rule 4 as IMAP and POP3 apply it: SCRAM waits for TLS like PLAIN (RFC 5804 §1.7:
    the SASL list may be empty because STARTTLS is advertised)."""
    client = SieveClient(strict_sieve.ports["managesieve"])
    capabilities, _ = client.response()
    assert b'"SASL" ""' in capabilities and b'"STARTTLS"' in capabilities
    _, refused = client.command(b'AUTHENTICATE "PLAIN" "' + plain() + b'"')
    assert refused.startswith(b"NO (ENCRYPT-NEEDED)"), refused
    _, refused = client.command(b'AUTHENTICATE "SCRAM-SHA-256"')
    assert refused.startswith(b"NO (ENCRYPT-NEEDED)"), refused
    client.close()

    client = SieveClient(strict_sieve.ports["managesieve"])
    client.response()
    after, _ = client.starttls(certificate(strict_sieve), "mx.facteur.test")
    assert b'"SASL" "PLAIN LOGIN SCRAM-SHA-256"' in after
    final, verified = sieve_scram(client, "alice@example.test", "secret")
    assert verified, final
    client.close()

    client = SieveClient(strict_sieve.ports["managesieve"])
    client.response()
    client.starttls(certificate(strict_sieve), "mx.facteur.test")
    assert client.command(b'AUTHENTICATE "PLAIN" "' + plain() + b'"')[1].startswith(b"OK")
    client.close()


@sieve_connect
def test_sieve_connect_plain_over_starttls_when_plaintext_is_never(strict_sieve, workdir):
    local = workdir / "filters.sieve"
    local.write_text(SCRIPT.replace("\r\n", "\n"))
    upload = run_sieve_connect(strict_sieve, "--authmech", "PLAIN", "--localsieve", str(local),
                               "--remotesieve", "filters", "--upload")
    assert upload.returncode == 0, upload.stdout + upload.stderr
    listing = run_sieve_connect(strict_sieve, "--authmech", "PLAIN", "--list")
    assert listing.returncode == 0 and "filters" in listing.stdout, listing.stdout + listing.stderr
    wrong = run_sieve_connect(strict_sieve, "--authmech", "PLAIN", "--list", stdin="wrong\n")
    assert wrong.returncode != 0
