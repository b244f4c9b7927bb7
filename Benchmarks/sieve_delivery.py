#!/usr/bin/env python3
"""sieve-delivery: SMTP deliveries/s to an account with a 50-rule Sieve script active, beside the
same load to an account without a script (issue 7). Starts the given `facteur` binary on loopback
with a temporary data directory, runs Benchmarks/smtp_load.py twice (no script first, then the
script), prints both lines and the ratio. Debug builds give debug figures: say which you ran.

    python3 Benchmarks/sieve_delivery.py --binary .build/release/facteur --messages 2000
"""
import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "Tests" / "interop"))
from conftest import Facteur  # noqa: E402  (the interop harness starts and stops the server)


def fifty_rules() -> str:
    # Rules that do not match the load's messages ("Subject: load N"), so every rule is evaluated,
    # plus a last one that files everything: the worst case of a long personal filter.
    lines = ['require ["fileinto", "imap4flags", "mailbox"];']
    for rule in range(49):
        kind = rule % 3
        if kind == 0:
            lines.append(f'if header :contains "subject" "topic-{rule}" {{ fileinto :create "T{rule}"; stop; }}')
        elif kind == 1:
            lines.append(f'if address :is "from" "sender{rule}@remote.test" {{ addflag "\\\\Flagged"; }}')
        else:
            lines.append(f'if header :matches "list-id" "*list{rule}*" {{ fileinto :create "L{rule}"; stop; }}')
    lines.append('fileinto :create "Sorted";')
    return "\n".join(lines) + "\n"


def load(port: int, rcpt: str, label: str, args) -> float:
    out = subprocess.run([sys.executable, str(HERE / "smtp_load.py"), "--port", str(port), "--rcpt", rcpt,
                          "--messages", str(args.messages), "--connections", str(args.connections),
                          "--size", str(args.size), "--label", label],
                         check=True, capture_output=True, text=True).stdout.strip()
    print(out)
    match = re.search(r"= (\d+) msg/s", out)
    return float(match.group(1)) if match else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--size", type=int, default=4096)
    args = parser.parse_args()

    import os
    os.environ["FACTEUR_BIN"] = str(Path(args.binary).resolve())
    with tempfile.TemporaryDirectory(prefix="facteur-sieve-bench-") as directory:
        workdir = Path(directory)
        server = Facteur(workdir, listeners=("smtp",))
        server.cli("domain", "add", "example.test")
        for user in ("plain", "filtered"):
            server.cli("user", "add", f"{user}@example.test", "--password-stdin", stdin="secret\n")
        script = workdir / "fifty.sieve"
        script.write_text(fifty_rules())
        server.cli("sieve", "put", "filtered@example.test", str(script), "--activate")
        server.start()
        try:
            plain = load(server.ports["smtp"], "plain@example.test", "no script", args)
            filtered = load(server.ports["smtp"], "filtered@example.test", "50-rule script", args)
        finally:
            server.stop()
    print(f"50-rule script: {filtered / plain:.2f}× the deliveries/s without a script")


if __name__ == "__main__":
    main()
