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


# `facteur sieve testsuite FILE.svtest…`: Dovecot Pigeonhole's test format, run by the real binary.

SUITE_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "sieve"


def run_testsuite(*paths, cwd=None):
    return subprocess.run([facteur_binary(), "sieve", "testsuite", *map(str, paths)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_engine_suite_passes():
    files = sorted(SUITE_DIR.glob("*.svtest"))
    assert len(files) >= 18
    result = run_testsuite(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.splitlines()[-1]
    passed, failed, skipped = (int(part.split()[0]) for part in last.split(", "))
    assert failed == 0 and passed >= 100, last
    assert all(line.startswith(("pass: ", "# ")) for line in result.stdout.splitlines()[:-1]), result.stdout


def test_testsuite_reports_fail_and_skip_and_exits_non_zero(workdir):
    (workdir / "scripts").mkdir()
    (workdir / "scripts" / "sort.sieve").write_text('require "fileinto";\nfileinto "Sorted";\n')
    suite = workdir / "mine.svtest"
    suite.write_text('require "vnd.dovecot.testsuite";\n'
                     'test_set "message" text:\nFrom: a@example.org\nTo: b@example.com\nSubject: Hi\n\nBody.\n.\n;\n'
                     'test "compiles relative to the test file" {\n'
                     '  if not test_script_compile "scripts/sort.sieve" { test_fail "compile"; }\n'
                     '  if not test_script_run { test_fail "run"; }\n'
                     '  if not test_result_action :index 1 "store" { test_fail "no fileinto"; }\n'
                     '}\n'
                     'test "fails" { if header :is "subject" "Hi" { test_fail "subject is Hi"; } }\n'
                     'test "skips" { test_config_set "sieve_max_cpu_time" "2s"; }\n')
    # Paths inside the file are relative to it, not to the working directory.
    result = run_testsuite(suite, cwd="/")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "pass: compiles relative to the test file",
        "fail: fails: subject is Hi",
        "skip: skips: setting 'sieve_max_cpu_time' is not supported",
        "1 passed, 1 failed, 1 skipped",
    ]


def test_testsuite_extension_is_refused_outside_the_testsuite(workdir):
    script = workdir / "sneaky.sieve"
    script.write_text('require "vnd.dovecot.testsuite";\ntest_fail "x";\n')
    result = check(script)
    assert result.returncode == 1
    assert "unsupported extension 'vnd.dovecot.testsuite'" in result.stdout, result.stdout
