"""Starts the real `facteur` binary on loopback with a temporary data directory and port 0 for
every listener, reads the bound ports from its log, and hands them to the tests."""
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LISTEN_RE = re.compile(r"listening (\w+) ([\d.:\[\]a-f]+):(\d+)")


def facteur_binary() -> str:
    explicit = os.environ.get("FACTEUR_BIN")
    if explicit:
        return explicit
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return str(Path(out) / "facteur")


class Facteur:
    """One server process and the CLI bound to the same config."""

    def __init__(self, workdir: Path, listeners=("smtp", "lmtp", "http"), extra_config: str = ""):
        self.workdir = workdir
        self.binary = facteur_binary()
        self.config = workdir / "facteur.toml"
        lines = [
            'hostname = "mx.facteur.test"',
            f'data_dir = "{workdir / "data"}"',
            "",
            "[listeners]",
        ] + [f'{name} = "127.0.0.1:0"' for name in listeners]
        self.config.write_text("\n".join(lines) + "\n" + extra_config)
        self.process = None
        self.ports = {}
        self.log_path = workdir / "server.log"

    def cli(self, *args, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([self.binary, *args, "--config", str(self.config)], input=stdin,
                                capture_output=True, text=True, errors="replace", timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"facteur {' '.join(args)} failed: {result.stderr}")
        return result

    def start(self, timeout: float = 60.0):
        self.ports = {}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "serve", "--config", str(self.config)],
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        listeners_table = self.config.read_text().split("[listeners]")[1].split("\n[")[0]
        wanted = set(re.findall(r"^(\w+) = ", listeners_table, re.M))
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"facteur exited with {self.process.returncode}: {self.log_path.read_text()}")
            text = self.log_path.read_text(errors="replace")
            self.ports = {m.group(1): int(m.group(3)) for m in LISTEN_RE.finditer(text)}
            if wanted <= set(self.ports):
                return
            time.sleep(0.05)
        raise AssertionError(f"listeners not up within {timeout}s: {self.log_path.read_text()}")

    def stop(self, sig=signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="facteur-interop-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def facteur(workdir):
    """A running server with domain example.test and users alice, bob (password 'secret')."""
    server = Facteur(workdir)
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="secret\n")
    server.cli("user", "add", "bob@example.test", "--password-stdin", stdin="secret\n")
    server.start()
    yield server
    server.stop()


def message(subject="Hello", body="Hi there.\r\n", sender="sender@remote.test", to="alice@example.test") -> bytes:
    return (f"From: <{sender}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n"
            f"Date: Sun, 29 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{subject.replace(' ', '.')}@remote.test>\r\n"
            f"\r\n{body}").encode()
