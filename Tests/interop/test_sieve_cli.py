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
