#!/usr/bin/env python3
"""imap-idle-memory: K authenticated IMAP connections, each with INBOX selected and in IDLE; how
much memory the server holds per connection. Memory is the proportional set size (PSS, from
/proc/PID/smaps_rollup) summed over the server's processes, measured before the connections open
and once they all idle (after 10 warm-up connections, kept open and not counted); the difference
divided by K is the figure. PSS rather than RSS so that a
multi-process server (Dovecot: one imap process per connection, or the imap-hibernate process)
is not charged several times for pages its processes share.

    python3 Benchmarks/imap_idle_memory.py --port 1143 --user alice@example.test --password secret \\
        --pid $(pgrep -f 'facteur serve') --connections 1000

As a module: `run(host, port, user, password, pids, connections) -> dict`, where `pids` is a
function returning the server's current process ids (Dovecot forks as connections arrive).
"""
import argparse
import json
import resource
import socket
import time
from pathlib import Path


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass  # the process ended between listing and reading
    return 0


def process_tree(root_pid: int) -> list[int]:
    """`root_pid` and every process below it (Dovecot forks a process per connection)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    result, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        result.append(pid)
        pending.extend(children.get(pid, []))
    return result


def total_pss_kib(pids) -> int:
    return sum(pss_kib(pid) for pid in pids())


def read_line(sock: socket.socket, buffer: bytearray) -> bytes:
    while b"\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("server closed the connection")
        buffer += chunk
    line, _, rest = bytes(buffer).partition(b"\r\n")
    buffer[:] = rest
    return line


def open_idle(host: str, port: int, user: str, password: str) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=60)
    buffer = bytearray()
    read_line(sock, buffer)  # greeting
    for tag, command in ((b"a", f'LOGIN "{user}" "{password}"'), (b"b", "SELECT INBOX")):
        sock.sendall(tag + b" " + command.encode() + b"\r\n")
        while True:
            line = read_line(sock, buffer)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError(f"{command.split()[0]} failed: {line!r}")
                break
    sock.sendall(b"c IDLE\r\n")
    line = read_line(sock, buffer)
    if not line.startswith(b"+"):
        raise RuntimeError(f"IDLE refused: {line!r}")
    return sock


def run(host: str, port: int, user: str, password: str, pids, connections: int = 1000,
        settle_seconds: float = 3.0, warm_up: int = 10) -> dict:
    """`warm_up` connections are opened (and kept) before the first measurement: what the first
    logins cost once per server (password hashing memory, caches, a worker process) is not
    charged to the connections measured."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < connections + warm_up + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, connections + warm_up + 1024), hard))
    sockets = [open_idle(host, port, user, password) for _ in range(warm_up)]
    time.sleep(settle_seconds)
    before = total_pss_kib(pids)
    started = time.monotonic()
    try:
        for _ in range(connections):
            sockets.append(open_idle(host, port, user, password))
        opened = time.monotonic() - started
        time.sleep(settle_seconds)
        during = total_pss_kib(pids)
        processes = len(list(pids()))
    finally:
        for sock in sockets:
            try:
                sock.sendall(b"DONE\r\nd LOGOUT\r\n")
            except OSError:
                pass
            sock.close()
    return {"connections": connections, "open_seconds": round(opened, 2), "pss_before_kib": before,
            "pss_idle_kib": during, "processes": processes,
            "kib_per_connection": round((during - before) / connections, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="alice@example.test")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--pid", type=int, required=True, help="the server's process id")
    parser.add_argument("--connections", type=int, default=1000)
    args = parser.parse_args()
    print(json.dumps(run(args.host, args.port, args.user, args.password, lambda: [args.pid], args.connections), indent=2))


if __name__ == "__main__":
    main()
