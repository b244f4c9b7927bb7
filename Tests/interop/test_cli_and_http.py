"""The admin CLI (domains, users, aliases, export/import) and the HTTP listener (/health, /metrics)."""
import mailbox
import shutil
import smtplib
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conftest import Facteur, facteur_binary, message


def test_domain_user_alias_lifecycle(workdir):
    server = Facteur(workdir)
    assert server.cli("domain", "add", "Example.TEST").stdout.strip() == "added domain example.test"
    assert server.cli("domain", "list").stdout.split() == ["example.test"]
    failed = server.cli("user", "add", "x@unknown.test", "--password-stdin", stdin="pw\n", check=False)
    assert failed.returncode != 0 and "unknown.test" in failed.stderr
    server.cli("user", "add", "alice@example.test", "--password-stdin", "--quota", "10M", stdin="pw\n")
    server.cli("user", "add", "old@example.test", "--password-hash",
               "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1")
    users = server.cli("user", "list").stdout
    assert "alice@example.test\t0 messages\t0 bytes\tquota 10485760" in users
    assert "old@example.test" in users
    server.cli("user", "quota", "alice@example.test", "none")
    assert "quota unlimited" in server.cli("user", "list", "example.test").stdout
    server.cli("user", "passwd", "alice@example.test", "--password-stdin", stdin="new\n")
    bad_hash = server.cli("user", "add", "p@example.test", "--password-hash", "plaintext", check=False)
    assert bad_hash.returncode != 0
    assert server.cli("domain", "remove", "example.test", check=False).returncode != 0  # still has users
    server.cli("alias", "add", "postmaster@example.test", "alice@example.test")
    server.cli("alias", "remove", "postmaster@example.test")
    server.cli("user", "remove", "old@example.test")
    server.cli("user", "remove", "alice@example.test")
    server.cli("domain", "remove", "example.test")
    assert server.cli("domain", "list").stdout.strip() == ""


def test_export_mbox_and_maildir_round_trip(facteur, workdir):
    bodies = ["From the start of a line\r\n>From quoted\r\n", "plain\r\n", "caf\u00e9 \u2603\r\n"]
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        for n, body in enumerate(bodies):
            client.sendmail("s@remote.test", ["alice@example.test"], message(f"Msg {n}", body=body))
    mbox_path = workdir / "alice.mbox"
    facteur.cli("export", "alice@example.test", "--output", str(mbox_path))
    parsed = mailbox.mbox(str(mbox_path))
    assert [m["Subject"] for m in parsed] == ["Msg 0", "Msg 1", "Msg 2"]
    # mboxrd quoting (Python's mailbox reads the quoted lines as they are).
    assert parsed[0].get_payload() == ">From the start of a line\n>>From quoted\n"

    # mbox back into another account: same bytes.
    facteur.cli("import", "bob@example.test", "--format", "mbox", str(mbox_path), "--mailbox", "Imported")
    again = workdir / "bob.mbox"
    facteur.cli("export", "bob@example.test", "--mailbox", "Imported", "--output", str(again))
    assert again.read_bytes() == mbox_path.read_bytes()

    # Maildir: a whole account, flags and dates kept.
    maildir = workdir / "alice-maildir"
    facteur.cli("export", "alice@example.test", "--format", "maildir", "--output", str(maildir))
    files = sorted((maildir / "cur").iterdir())
    assert len(files) == 3
    assert (maildir / ".Sent" / "cur").is_dir()
    first = files[0].read_bytes()
    assert first.startswith(b"Return-Path: <s@remote.test>\r\nDelivered-To: alice@example.test\r\nReceived: ")
    # Mark one as seen and flagged the Maildir way, import into a new mailbox.
    files[0].rename(files[0].with_name(files[0].name.split(":2,")[0] + ":2,FS"))
    facteur.cli("import", "bob@example.test", "--format", "maildir", str(maildir), "--mailbox", "FromMaildir")
    out = workdir / "bob-maildir"
    facteur.cli("export", "bob@example.test", "--format", "maildir", "--mailbox", "FromMaildir", "--output", str(out))
    names = sorted(p.name for p in (out / "cur").iterdir())
    assert len(names) == 3
    assert any(name.endswith(":2,FS") for name in names)
    assert sorted(p.read_bytes() for p in (out / "cur").iterdir()) == sorted(p.read_bytes() for p in (maildir / "cur").iterdir())


def test_import_standard_mbox_with_status_flags(facteur, workdir):
    path = workdir / "in.mbox"
    path.write_bytes(b"From someone@x.test Sat Nov 28 10:00:00 2026\nSubject: one\nStatus: RO\nX-Status: F\n\n"
                     b">From quoted\nbody\n\nFrom other@x.test Sat Nov 28 11:00:00 2026\nSubject: two\n\nsecond\n")
    assert facteur.cli("import", "alice@example.test", "--format", "mbox", str(path)).stdout.strip() == "imported 2 messages"
    maildir = workdir / "check"
    facteur.cli("export", "alice@example.test", "--format", "maildir", "--mailbox", "INBOX", "--output", str(maildir))
    by_subject = {}
    for file in (maildir / "cur").iterdir():
        by_subject[file.read_bytes().split(b"\r\n")[0]] = file.name
    assert by_subject[b"Subject: one"].endswith(":2,FS")
    assert by_subject[b"Subject: two"].endswith(":2,")
    one = next(p for p in (maildir / "cur").iterdir() if p.name.endswith(":2,FS")).read_bytes()
    assert b"\r\nFrom quoted\r\nbody\r\n" in one


def test_health_and_metrics(facteur):
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("s@remote.test", ["alice@example.test"], message("Counted"))
    base = f"http://127.0.0.1:{facteur.ports['http']}"
    with urllib.request.urlopen(base + "/health", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"ok\n"
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    for name in ("facteur_smtp_connections_total", "facteur_smtp_commands_total", "facteur_smtp_replies_total",
                 "facteur_smtp_messages_total", "facteur_smtp_received_bytes_total",
                 "facteur_smtp_data_duration_seconds_bucket", "facteur_delivery_duration_seconds_bucket"):
        assert name in text, name
    assert 'facteur_smtp_messages_total{listener="smtp",result="accepted"} 1' in text \
        or 'facteur_smtp_messages_total{result="accepted",listener="smtp"} 1' in text


def test_configuration_errors_name_the_key_and_line(workdir):
    config = workdir / "bad.toml"
    config.write_text('hostname = "mx.test"\n\n[listeners]\nsmtp = "127.0.0.1:0"\nsmtpp = "127.0.0.1:0"\n')
    result = subprocess.run([facteur_binary(), "serve", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "bad.toml:5" in result.stderr and "smtpp" in result.stderr


def test_version():
    result = subprocess.run([facteur_binary(), "version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("facteur ")


@pytest.mark.skipif(shutil.which("swaks") is None, reason="swaks is not installed (scripts/test installs it)")
def test_swaks_delivers_with_and_without_tls(facteur):
    for extra in ([], ["--tls"]):
        result = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(facteur.ports["smtp"]),
                                 "--from", "s@remote.test", "--to", "alice@example.test",
                                 "--header", f"Subject: swaks{len(extra)}", "--helo", "swaks.test", *extra],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
    mbox = facteur.cli("export", "alice@example.test").stdout
    assert "Subject: swaks0" in mbox and "Subject: swaks1" in mbox
