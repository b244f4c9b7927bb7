"""A user's active Sieve script sorts SMTP deliveries: scripts managed with `facteur sieve`."""
import smtplib

from conftest import message


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
