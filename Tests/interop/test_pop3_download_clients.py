"""The pop3-download benchmark's clients (Benchmarks/FacteurBench's compiled `facteur-bench
pop3-download` and Benchmarks/pop3_download.py) against the real server and against a server
that breaks the protocol, so a comparison run can trust what they count."""
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT
from test_pop3 import deliver, pop3  # noqa: F401 (fixture)

sys.path.append(str(ROOT / "Benchmarks"))
import pop3_download  # noqa: E402

BENCH_PACKAGE = ROOT / "Benchmarks" / "FacteurBench"


@pytest.fixture(scope="module")
def bench_client() -> Path:
    """Builds the compiled client (a package without dependencies: seconds)."""
    subprocess.run(["swift", "build", "-c", "release", "--package-path", str(BENCH_PACKAGE)], check=True,
                   capture_output=True, timeout=900)
    return pop3_download.BENCH_CLIENT


def bench(client: Path, port: int, password: str = "secret", runs: int = 1, pipeline: int = 1) -> subprocess.CompletedProcess:
    return subprocess.run([str(client), "pop3-download", "--port", str(port), "--user", "alice@example.test",
                           "--password", password, "--runs", str(runs), "--pipeline", str(pipeline), "--json"],
                          capture_output=True, text=True, timeout=120)


def test_compiled_and_python_clients_count_the_same_mailbox(pop3, bench_client):
    # Small messages, one of ~200 KB (several recv calls), each with a dot-stuffed first line.
    deliver(pop3, 5)
    deliver(pop3, 1, size=200_000)
    result = bench(bench_client, pop3.ports["pop3"], runs=2)
    assert result.returncode == 0, result.stderr
    compiled = json.loads(result.stdout)
    assert compiled["client"] == "facteur-bench" and len(compiled["runs"]) == 2
    python = pop3_download.download("127.0.0.1", pop3.ports["pop3"], "alice@example.test", "secret")
    for run in compiled["runs"]:
        assert run["messages"] == 6 and run["size_mismatches"] == 0
        assert run["phases"]["small_retr_count"] == 5 and run["phases"]["large_retr_count"] == 1
        for key in ("messages", "bytes", "list_bytes"):
            assert run[key] == python[key], key
    # Every message's first line was dot-stuffed on the wire: one octet more each than LIST says.
    assert python["bytes"] == python["list_bytes"] + 6


def test_pipelined_download_counts_the_same(pop3, bench_client):
    deliver(pop3, 20)
    deliver(pop3, 2, size=300_000)
    one_at_a_time = json.loads(bench(bench_client, pop3.ports["pop3"]).stdout)["runs"][0]
    result = bench(bench_client, pop3.ports["pop3"], pipeline=8)
    assert result.returncode == 0, result.stderr
    pipelined = json.loads(result.stdout)["runs"][0]
    assert pipelined["pipeline"] == 8 and pipelined["size_mismatches"] == 0
    for key in ("messages", "bytes", "list_bytes"):
        assert pipelined[key] == one_at_a_time[key], key
    assert pipelined["messages"] == 22


def test_compiled_client_pipelines_only_when_announced(bench_client):
    result = bench(bench_client, LyingPOP3().port, pipeline=4)
    assert result.returncode == 1 and "PIPELINING" in result.stderr


def test_compiled_client_fails_on_a_wrong_password(pop3, bench_client):
    deliver(pop3, 1)
    result = bench(bench_client, pop3.ports["pop3"], password="wrong")
    assert result.returncode == 1 and "PASS refused" in result.stderr


class LyingPOP3:
    """A POP3 responder on loopback whose message 2 is one octet shorter than its LIST size, or
    whose message 1 has a line starting with an unstuffed '.'."""

    def __init__(self, unstuffed_dot: bool = False):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        first = b".x\r\n" if unstuffed_dot else b"..x\r\n"
        self.bodies = {1: first + b"one\r\n", 2: b"two\r\n"}
        self.sizes = {1: 9, 2: 6}
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        connection, _ = self.listener.accept()
        with connection, connection.makefile("rb") as lines:
            connection.sendall(b"+OK ready\r\n")
            for line in lines:
                verb, _, argument = line.strip().partition(b" ")
                if verb == b"LIST":
                    listing = b"".join(b"%d %d\r\n" % item for item in self.sizes.items())
                    connection.sendall(b"+OK\r\n" + listing + b".\r\n")
                elif verb == b"CAPA":
                    connection.sendall(b"+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                elif verb == b"RETR":
                    connection.sendall(b"+OK\r\n" + self.bodies[int(argument)] + b".\r\n")
                else:
                    connection.sendall(b"+OK\r\n")
                    if verb == b"QUIT":
                        return


def test_compiled_client_reports_a_message_shorter_than_its_list_size(bench_client):
    result = bench(bench_client, LyingPOP3().port)
    assert result.returncode == 1, result.stdout
    run = json.loads(result.stdout)["runs"][0]
    assert run["messages"] == 2 and run["size_mismatches"] == 1


def test_compiled_client_rejects_an_unstuffed_dot_line(bench_client):
    result = bench(bench_client, LyingPOP3(unstuffed_dot=True).port)
    assert result.returncode == 1 and "dot-stuffed" in result.stderr
