"""POP3 and POP3S against the real server: Python's poplib, Debian's fetchmail and getmail6."""
import imaplib
import os
import poplib
import shutil
import smtplib
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from conftest import Facteur, message

UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


@pytest.fixture
def pop3(workdir):
    server = Facteur(workdir, listeners=("smtp", "pop3", "pop3s", "imap", "http"))
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    yield server
    server.stop()


def deliver(server, count, size=0, to="alice@example.test"):
    with smtplib.SMTP("127.0.0.1", server.ports["smtp"]) as client:
        for n in range(count):
            body = ".leading dot\r\n" + ("x" * 76 + "\r\n") * (size // 78)
            client.sendmail("s@remote.test", [to], message(f"pop {n}", body=body))


def imap_inbox(server):
    """An IMAP session on alice's INBOX, to watch what POP3 does to it."""
    client = imaplib.IMAP4("127.0.0.1", server.ports["imap"])
    client.login("alice@example.test", "secret")
    return client


def inbox_subjects(server):
    mbox = server.cli("export", "alice@example.test").stdout
    return [line[9:] for line in mbox.splitlines() if line.startswith("Subject: ")]


def test_poplib_download_and_delete(pop3):
    deliver(pop3, 3)
    client = poplib.POP3("127.0.0.1", pop3.ports["pop3"], timeout=30)
    caps = client.capa()
    for capability in ("TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "STLS", "UTF8"):
        assert capability in caps
    client.user("alice@example.test")
    client.pass_("secret")
    count, size = client.stat()
    assert count == 3 and size > 0
    uidls = [line.split()[1] for line in client.uidl()[1]]
    assert len(set(uidls)) == 3
    lines = client.retr(1)[1]
    assert b"Subject: pop 0" in lines
    assert b".leading dot" in lines  # poplib un-stuffs the ".."
    top = client.top(2, 0)[1]
    assert b"Subject: pop 1" in top and b".leading dot" not in top
    client.dele(1)
    client.dele(2)
    client.rset()
    client.dele(3)
    client.quit()
    assert inbox_subjects(pop3) == ["pop 0", "pop 1"]
    # UIDLs are stable across sessions.
    again = poplib.POP3("127.0.0.1", pop3.ports["pop3"], timeout=30)
    again.user("alice@example.test")
    again.pass_("secret")
    assert [line.split()[1] for line in again.uidl()[1]] == uidls[:2]
    again.quit()


def test_stls_and_pop3s(pop3):
    deliver(pop3, 1)
    client = poplib.POP3("127.0.0.1", pop3.ports["pop3"], timeout=30)
    client.stls(context=UNVERIFIED)
    assert "STLS" not in client.capa()
    client.user("alice@example.test")
    client.pass_("secret")
    assert client.stat()[0] == 1
    client.quit()
    secure = poplib.POP3_SSL("127.0.0.1", pop3.ports["pop3s"], context=UNVERIFIED, timeout=30)
    secure.user("alice@example.test")
    secure.pass_("secret")
    assert secure.stat()[0] == 1
    secure.quit()


def test_one_session_per_maildrop_and_no_delete_without_quit(pop3):
    deliver(pop3, 2)
    first = poplib.POP3("127.0.0.1", pop3.ports["pop3"], timeout=30)
    first.user("alice@example.test")
    first.pass_("secret")
    second = poplib.POP3_SSL("127.0.0.1", pop3.ports["pop3s"], context=UNVERIFIED, timeout=30)
    second.user("alice@example.test")
    with pytest.raises(poplib.error_proto, match=r"\[IN-USE\]"):
        second.pass_("secret")
    first.dele(1)
    first.sock.close()  # dropped without QUIT: nothing is deleted
    assert inbox_subjects(pop3) == ["pop 0", "pop 1"]


def test_bad_input_gets_clear_errors(pop3):
    deliver(pop3, 1)
    client = poplib.POP3("127.0.0.1", pop3.ports["pop3"], timeout=30)
    for command in ("STAT", "RETR 1", "LIST"):
        with pytest.raises(poplib.error_proto):
            client._shortcmd(command)  # before login
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        client.user("alice@example.test")
        client.pass_("wrong")
    client.close()
    client = poplib.POP3("127.0.0.1", pop3.ports["pop3"], timeout=30)
    client.user("alice@example.test")
    client.pass_("secret")
    for command in ("RETR 0", "RETR 4294967296", "RETR 2", "LIST abc", "FROB", "DELE -1", "TOP 1 x"):
        with pytest.raises(poplib.error_proto):
            client._shortcmd(command)
    with pytest.raises(poplib.error_proto):
        client._shortcmd("RETR " + "9" * 5000)
    assert client.stat()[0] == 1
    client.quit()


def test_disconnect_mid_retr_deletes_nothing(pop3):
    deliver(pop3, 1, size=2_000_000)
    sock = socket.create_connection(("127.0.0.1", pop3.ports["pop3"]))
    sock.recv(1000)
    sock.sendall(b"USER alice@example.test\r\nPASS secret\r\nDELE 1\r\nRETR 1\r\n")
    sock.recv(100)
    sock.close()
    assert inbox_subjects(pop3) == ["pop 0"]


def write_mailbox(server, workdir, small, large):
    """Puts `small` + `large` (11 MB) messages into alice's INBOX through `facteur import`."""
    path = workdir / "seed.mbox"
    big_line = b"y" * 998 + b"\n"
    with open(path, "wb") as out:
        for n in range(small + large):
            out.write(b"From s@remote.test Sat Nov 28 10:00:00 2026\n")
            out.write(f"Subject: seed {n}\nMessage-ID: <seed{n}@remote.test>\n\n".encode())
            if n < large:
                out.write(big_line * 11_000)
            else:
                out.write(b"small body\n.dot line\n")
            out.write(b"\n")
    server.cli("import", "alice@example.test", "--format", "mbox", str(path))


@pytest.mark.skipif(shutil.which("fetchmail") is None, reason="fetchmail not installed (scripts/setup --test installs it)")
def test_fetchmail_downloads_and_deletes_500_messages(pop3, workdir):
    write_mailbox(pop3, workdir, small=495, large=5)
    out = workdir / "fetched"
    out.mkdir()
    mda = workdir / "mda.sh"
    mda.write_text(f'#!/bin/sh\nexec cat > "{out}/$(date +%s%N).$$"\n')
    mda.chmod(0o755)
    rc = workdir / "fetchmailrc"
    rc.write_text(f'set no bouncemail\npoll 127.0.0.1 service {pop3.ports["pop3"]} protocol pop3 '
                  f'user "alice@example.test" there with password "secret" is "root" here '
                  f'options fetchall sslcertck no sslcertck mda "{mda}"\n'.replace("sslcertck no sslcertck", "no sslcertck"))
    rc.chmod(0o600)
    watcher = imap_inbox(pop3)
    assert watcher.select("INBOX") == ("OK", [b"500"])
    env = dict(os.environ, HOME=str(workdir), FETCHMAILHOME=str(workdir))
    result = subprocess.run(["fetchmail", "-f", str(rc), "--nodetach", "--pidfile", str(workdir / "fm.pid")],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    files = list(out.iterdir())
    assert len(files) == 500
    sizes = sorted(f.stat().st_size for f in files)
    assert sizes[-5] > 10_000_000
    assert inbox_subjects(pop3) == []
    # An IMAP session open on INBOX meanwhile learns of every deletion (RFC 9051 §7.5.1).
    watcher.noop()
    _, expunged = watcher.response("EXPUNGE")
    assert len(expunged) == 500
    assert watcher.select("INBOX") == ("OK", [b"0"])
    watcher.logout()


@pytest.mark.skipif(shutil.which("getmail") is None, reason="getmail6 not installed (scripts/setup --test installs it)")
def test_getmail6_over_pop3s_downloads_and_deletes(pop3, workdir):
    write_mailbox(pop3, workdir, small=495, large=5)
    maildir = workdir / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    # getmail refuses to deliver as root, and its per-message "deliver as user" child times out on a
    # loaded machine: run getmail itself as `nobody`, who must be able to use the directory.
    workdir.chmod(0o777)
    for path in [maildir, *maildir.iterdir()]:
        path.chmod(0o777)
    rc = workdir / "getmailrc"
    rc.write_text(f"""[retriever]
type = SimplePOP3SSLRetriever
server = 127.0.0.1
port = {pop3.ports["pop3s"]}
username = alice@example.test
password = secret

[destination]
type = Maildir
path = {maildir}/

[options]
delete = true
read_all = true
verbose = 0
""")
    rc.chmod(0o644)
    command = ["getmail", "--getmaildir", str(workdir), "--rcfile", str(rc)]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "nobody", "--"] + command
    # getmail6's own fork/SIGCHLD race (see getmail_shim/sitecustomize.py), copied where `nobody` reads it.
    shim = workdir / "getmail_shim"
    shutil.copytree(Path(__file__).parent / "getmail_shim", shim)
    shim.chmod(0o755)
    environment = dict(os.environ, PYTHONPATH=str(shim))
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list((maildir / "new").iterdir())) == 500
    assert inbox_subjects(pop3) == []
    watcher = imap_inbox(pop3)
    assert watcher.select("INBOX") == ("OK", [b"0"])
    watcher.logout()


def test_plaintext_auth_never_requires_tls_even_on_loopback(workdir):
    server = Facteur(workdir, listeners=("pop3",), extra_config='\n[security]\nplaintext_auth = "never"\n')
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    try:
        client = poplib.POP3("127.0.0.1", server.ports["pop3"], timeout=30)
        with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
            client.user("alice@example.test")
            client.pass_("secret")
        client.close()
        client = poplib.POP3("127.0.0.1", server.ports["pop3"], timeout=30)
        client.stls(context=UNVERIFIED)
        client.user("alice@example.test")
        client.pass_("secret")
        assert client.stat()[0] == 0
        client.quit()
    finally:
        server.stop()


def test_repeated_wrong_passwords_are_slowed_then_refused(workdir):
    server = Facteur(workdir, listeners=("pop3",), extra_config=(
        "\n[security]\nlogin_failure_delay_ms = 10\nlogin_max_delay_ms = 20\nlogin_lockout_failures = 5\n"))
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    try:
        answers = []
        for _ in range(7):
            client = poplib.POP3("127.0.0.1", server.ports["pop3"], timeout=30)
            try:
                client.user("alice@example.test")
                client.pass_("wrong")
            except poplib.error_proto as error:
                answers.append(str(error))
            client.close()
        assert all("[AUTH]" in a for a in answers[:5]), answers
        assert all("[SYS/TEMP]" in a for a in answers[5:]), answers
        client = poplib.POP3("127.0.0.1", server.ports["pop3"], timeout=30)
        client.user("alice@example.test")
        with pytest.raises(poplib.error_proto, match=r"\[SYS/TEMP\]"):
            client.pass_("secret")  # locked out even with the right password
        client.close()
        metrics_free = server.log()
        assert "secret" not in metrics_free  # passwords never reach the log
    finally:
        server.stop()
