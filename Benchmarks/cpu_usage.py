"""CPU time used by a server's whole process tree, read from a cgroup of its own.

Why: on a shared 2-core machine throughput and latency move with whatever else runs, but the CPU
a server spends per operation barely does, so it is the figure to compare between runs. A
cgroup counts the CPU of every process the server forks later (Dovecot's per-connection imap
processes, which exit before anyone could read their /proc entries).

Works as root with cgroup v1 (cpuacct) or v2; otherwise `usage()` is None and callers print n/a.
"""
import os
import subprocess
from pathlib import Path

V1 = Path("/sys/fs/cgroup/cpuacct")
V2 = Path("/sys/fs/cgroup")


class CPUAccount:
    def __init__(self, name: str):
        self.path = None
        leaf = f"facteur-bench-{name}-{os.getpid()}"
        for base, usage_file in ((V1, "cpuacct.usage"), (V2, "cpu.stat")):
            if base == V2 and not (V2 / "cgroup.controllers").exists():
                continue
            if not base.is_dir():
                continue
            try:
                (base / leaf).mkdir(exist_ok=True)
            except OSError:
                continue
            self.path, self.usage_file = base / leaf, usage_file
            break

    def add_tree(self, pid: int):
        """Moves `pid` and its current descendants in; processes they start later follow."""
        if self.path is None:
            return
        for member in self._tree(pid):
            try:
                (self.path / "cgroup.procs").write_text(str(member))
            except OSError:
                pass     # exited meanwhile

    @staticmethod
    def _tree(pid: int) -> list[int]:
        members = [pid]
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        for child in children:
            members += CPUAccount._tree(int(child))
        return members

    def usage(self) -> float | None:
        """CPU seconds used so far by everything in the group, or None without a cgroup."""
        if self.path is None:
            return None
        try:
            text = (self.path / self.usage_file).read_text()
        except OSError:
            return None
        if self.usage_file == "cpuacct.usage":
            return int(text) / 1e9
        for line in text.splitlines():
            if line.startswith("usage_usec "):
                return int(line.split()[1]) / 1e6
        return None

    def close(self):
        """Removes the group once its processes have exited (left behind otherwise, harmlessly)."""
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass
