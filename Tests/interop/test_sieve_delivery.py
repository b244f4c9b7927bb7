"""A user's active Sieve script sorts SMTP deliveries: scripts managed with `facteur sieve`."""
import smtplib

from conftest import Facteur, message
from smtp_client import RawSMTP


def test_active_script_files_and_flags_deliveries(facteur, workdir):
    script = workdir / "sort.sieve"
    script.write_text('require ["fileinto", "imap4flags", "mailbox"];\n'
                      'if header :contains "subject" "newsletter" { fileinto :create "News"; stop; }\n'
                      'if address :is "from" "boss@remote.test" { addflag "\\\\Flagged"; }\n')
    out = facteur.cli("sieve", "put", "alice@example.test", str(script), "--activate").stdout
    assert "stored script 'sort'" in out and "(active)" in out
    assert facteur.cli("sieve", "list", "alice@example.test").stdout.strip() == "sort\tactive"
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("n@remote.test", ["alice@example.test"], message("Weekly newsletter"))
        client.sendmail("boss@remote.test", ["alice@example.test"], message("See me", sender="boss@remote.test"))
        client.sendmail("x@remote.test", ["bob@example.test"], message("Weekly newsletter for bob"))
    news = facteur.cli("export", "alice@example.test", "--mailbox", "News").stdout
    inbox = facteur.cli("export", "alice@example.test").stdout
    assert "Subject: Weekly newsletter" in news and "Weekly newsletter" not in inbox
    assert "Subject: See me" in inbox
    # The flag travels with the message: Maildir export shows it in the name.
    maildir = workdir / "alice"
    facteur.cli("export", "alice@example.test", "--format", "maildir", "--mailbox", "INBOX", "--output", str(maildir))
    assert any(p.name.endswith(":2,F") for p in (maildir / "cur").iterdir())
    # bob has no script: INBOX as always.
    assert "Weekly newsletter for bob" in facteur.cli("export", "bob@example.test").stdout


def test_broken_or_refused_scripts_never_lose_mail(facteur, workdir):
    bad = workdir / "bad.sieve"
    bad.write_text('fileinto "Nowhere";\n')
    result = facteur.cli("sieve", "put", "alice@example.test", str(bad), check=False)
    assert result.returncode == 1 and "bad.sieve:1:1:" in result.stdout
    failing = workdir / "failing.sieve"
    failing.write_text('require ["fileinto"];\nfileinto "Does/Not/Exist";\n')
    facteur.cli("sieve", "put", "alice@example.test", str(failing), "--activate")
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("s@remote.test", ["alice@example.test"], message("Still arrives"))
    assert "Subject: Still arrives" in facteur.cli("export", "alice@example.test").stdout
    assert facteur.cli("sieve", "remove", "alice@example.test", "failing", check=False).returncode != 0  # active
    facteur.cli("sieve", "activate", "alice@example.test", "--none")
    facteur.cli("sieve", "remove", "alice@example.test", "failing")
    assert facteur.cli("sieve", "list", "alice@example.test").stdout.strip() == ""


def queue_rows(facteur):
    """`facteur queue list` as a list of column lists (header and summary lines dropped)."""
    out = facteur.cli("queue", "list").stdout
    return [line.split("\t") for line in out.splitlines() if line and line[0].isdigit() and "\t" in line]


def test_vacation_and_redirect_are_queued_and_listed(facteur, workdir):
    script = workdir / "away.sieve"
    script.write_text('require ["vacation", "copy"];\n'
                      'redirect :copy "assistant@remote.test";\n'
                      'vacation :days 3 :subject "Away" "Back on Monday.";\n')
    facteur.cli("sieve", "put", "alice@example.test", str(script), "--activate")
    assert facteur.cli("queue", "list").stdout.strip() == "the outbound queue is empty"
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("friend@remote.test", ["alice@example.test"], message("Lunch", sender="friend@remote.test"))
        client.sendmail("friend@remote.test", ["alice@example.test"], message("Lunch 2", sender="friend@remote.test"))
    rows = queue_rows(facteur)
    reasons = sorted(row[5] for row in rows)
    # Two redirects (one per message), one vacation reply per sender per period (RFC 5230 §4.2).
    assert reasons == ["sieve-redirect", "sieve-redirect", "sieve-vacation"], rows
    vacation = next(row for row in rows if row[5] == "sieve-vacation")
    assert vacation[2] == "<>" and vacation[3] == "friend@remote.test"
    redirect = next(row for row in rows if row[5] == "sieve-redirect")
    assert redirect[2] == "friend@remote.test" and redirect[3] == "assistant@remote.test"
    assert "waiting" in redirect[6]
    # :copy kept both messages.
    assert facteur.cli("export", "alice@example.test").stdout.count("Subject: Lunch") == 2

    flush = facteur.cli("queue", "flush")
    assert flush.returncode == 0 and "nothing was attempted" in flush.stdout
    facteur.cli("queue", "remove", vacation[0])
    assert len(queue_rows(facteur)) == 2
    missing = facteur.cli("queue", "remove", vacation[0], check=False)
    assert missing.returncode != 0 and "no queued message" in missing.stderr


def test_duplicate_and_include_across_deliveries(facteur, workdir):
    helper = workdir / "dedupe.sieve"
    helper.write_text('require ["duplicate", "fileinto"];\nif duplicate { fileinto "Trash"; stop; }\n')
    facteur.cli("sieve", "put", "alice@example.test", str(helper))
    main = workdir / "main.sieve"
    main.write_text('require ["include"];\ninclude :personal "dedupe";\n')
    facteur.cli("sieve", "put", "alice@example.test", str(main), "--activate")
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("s@remote.test", ["alice@example.test"], message("Same"))
        client.sendmail("s@remote.test", ["alice@example.test"], message("Same"))   # same Message-ID
    assert facteur.cli("export", "alice@example.test").stdout.count("Subject: Same") == 1
    assert facteur.cli("export", "alice@example.test", "--mailbox", "Trash").stdout.count("Subject: Same") == 1


def test_global_script_runs_before_the_users(workdir):
    global_script = workdir / "before.sieve"
    global_script.write_text('require "fileinto";\nif header :is "X-Spam-Flag" "YES" { fileinto "Junk"; stop; }\n')
    server = Facteur(workdir, extra_config=f'\n[sieve]\nbefore = "{global_script}"\n')
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    user_script = workdir / "user.sieve"
    user_script.write_text('require "fileinto";\nfileinto "Archive";\n')
    server.cli("sieve", "put", "alice@example.test", str(user_script), "--activate")
    server.start()
    try:
        spam = message("Win").replace(b"\r\n\r\n", b"\r\nX-Spam-Flag: YES\r\n\r\n", 1)
        with smtplib.SMTP("127.0.0.1", server.ports["smtp"]) as client:
            client.sendmail("s@remote.test", ["alice@example.test"], spam)
            client.sendmail("s@remote.test", ["alice@example.test"], message("Minutes"))
        assert "Subject: Win" in server.cli("export", "alice@example.test", "--mailbox", "Junk").stdout
        archive = server.cli("export", "alice@example.test", "--mailbox", "Archive").stdout
        assert "Subject: Minutes" in archive and "Subject: Win" not in archive
        # A broken global script is logged and skipped: mail still arrives.
        global_script.write_text("if true {\n")
        with smtplib.SMTP("127.0.0.1", server.ports["smtp"]) as client:
            client.sendmail("s@remote.test", ["alice@example.test"], spam)
        assert "Subject: Win" in server.cli("export", "alice@example.test", "--mailbox", "Archive").stdout
        assert "global sieve script does not compile" in server.log()
    finally:
        server.stop()


def test_reject_at_lmtp_refuses_that_recipient_only(facteur, workdir):
    script = workdir / "reject.sieve"
    script.write_text('require "reject";\nreject "I do not want this";\n')
    facteur.cli("sieve", "put", "alice@example.test", str(script), "--activate")
    client = RawSMTP(facteur.ports["lmtp"])
    try:
        assert client.reply()[0] == 220
        assert client.command("LHLO client.test")[0] == 250
        assert client.command("MAIL FROM:<s@remote.test>")[0] == 250
        assert client.command("RCPT TO:<alice@example.test>")[0] == 250
        assert client.command("RCPT TO:<bob@example.test>")[0] == 250
        assert client.command("DATA")[0] == 354
        client.send(message("Offer") + b"\r\n.\r\n")
        alice_code, alice_lines = client.reply()
        bob_code, _ = client.reply()
        assert (alice_code, bob_code) == (550, 250)
        assert alice_lines[0] == "5.7.1 I do not want this"
        client.command("QUIT")
    finally:
        client.close()
    assert "Subject: Offer" in facteur.cli("export", "bob@example.test").stdout
    assert "Subject: Offer" not in facteur.cli("export", "alice@example.test").stdout
    # SMTP with alice alone: refused at DATA with the same 550.
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as smtp:
        try:
            smtp.sendmail("s@remote.test", ["alice@example.test"], message("Again"))
            raise AssertionError("accepted")
        except smtplib.SMTPDataError as error:
            assert error.smtp_code == 550
