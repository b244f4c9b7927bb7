"""`facteur sieve check FILE`: compile a script, print errors as FILE:LINE:COLUMN."""
import subprocess

from conftest import facteur_binary


def check(path):
    return subprocess.run([facteur_binary(), "sieve", "check", str(path)], capture_output=True, text=True, timeout=60)


def test_valid_script_compiles(workdir):
    script = workdir / "sort.sieve"
    script.write_text('require ["fileinto", "imap4flags"];\n'
                      'if header :contains "list-id" "newsletter" { fileinto "Newsletters"; stop; }\n'
                      'if address :is "from" "boss@example.com" { addflag "\\\\Flagged"; }\n')
    result = check(script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout and "fileinto" in result.stdout


def test_errors_name_line_and_column(workdir):
    script = workdir / "broken.sieve"
    script.write_text('require "fileinto";\n\nif true {\n  fileinto "x"\n}\n')
    result = check(script)
    assert result.returncode == 1
    assert f"{script}:4:15: expected ';' after command 'fileinto'" in result.stdout, result.stdout
    missing = workdir / "missing-require.sieve"
    missing.write_text('fileinto "Junk";\n')
    result = check(missing)
    assert result.returncode == 1
    assert f"{missing}:1:1:" in result.stdout and "fileinto" in result.stdout


def test_sieve_test_prints_the_actions_without_delivering(workdir):
    script = workdir / "sort.sieve"
    script.write_text('require ["fileinto", "imap4flags", "envelope", "subaddress"];\n'
                      'if envelope :detail "to" "lists" { fileinto "Lists"; }\n'
                      'if header :contains "subject" "urgent" { addflag "\\\\Flagged"; keep; }\n')
    mail = workdir / "mail.eml"
    mail.write_text("From: a@b.test\nSubject: urgent: lunch\n\nbody\n")
    result = subprocess.run([facteur_binary(), "sieve", "test", str(script), str(mail),
                             "--envelope-to", "alice+lists@example.test"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ['fileinto "Lists"', "keep flags \\Flagged"]
    plain = subprocess.run([facteur_binary(), "sieve", "test", str(script), str(mail)],
                           capture_output=True, text=True, timeout=60)
    assert plain.stdout.splitlines() == ["keep flags \\Flagged"]
    missing = subprocess.run([facteur_binary(), "sieve", "test", str(script), str(mail), "--mailbox", "INBOX",
                              "--envelope-to", "alice+lists@example.test"], capture_output=True, text=True, timeout=60)
    # fileinto a mailbox that does not exist, without :create: delivery keeps it in INBOX instead.
    assert missing.returncode == 0
    assert missing.stdout.splitlines()[0] == 'fileinto "Lists" -> INBOX (no such mailbox)'
    broken = workdir / "runtime.sieve"
    broken.write_text('require "ihave";\nerror "stop here";\n')
    failed = subprocess.run([facteur_binary(), "sieve", "test", str(broken), str(mail)], capture_output=True, text=True, timeout=60)
    assert failed.returncode == 2 and "keep (implicit)" in failed.stdout and "stop here" in failed.stdout
