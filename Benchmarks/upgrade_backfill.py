#!/usr/bin/env python3
"""upgrade-backfill (issue 8, session 9): the time and CPU Facteur spends after an upgrade to give
messages stored before migrations v11-v13 their folded SEARCH fields and POP3 file columns
(DeliveryDataBackfill), and what it costs a POP3 download of another account meanwhile.

A store gets `--count` corpus messages (make_corpus.py) for upgraded@ and a smaller corpus of
other bodies for live@; upgraded@'s data of v11-v13 is then removed (the state of an upgraded
store) and the copy kept as a template. Each round restarts the server on a fresh copy of the
template and downloads live@'s mailbox by POP3 in a loop (bounded in count and time) while the
backfill runs, then again once it is done; rounds alternate with quiet ones (no download), which
give the backfill's own time and server CPU (from /proc). Everything binds 127.0.0.1.

    python3 Benchmarks/upgrade_backfill.py --facteur .build-release/release/facteur --rounds 3
"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from imap_mix_ab import cpu_seconds  # noqa: E402
from make_corpus import write_corpus  # noqa: E402
from servers import DOMAIN, PASSWORD, Facteur  # noqa: E402

CURSOR = "delivery_data_backfill_cursor"


def cursor_present(database: Path) -> bool:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute("SELECT 1 FROM settings WHERE key = ?", (CURSOR,)).fetchone() is not None
    finally:
        connection.close()


def download(port: int, user: str) -> dict:
    output = subprocess.run([sys.executable, str(HERE / "pop3_download.py"), "--port", str(port), "--user", user,
                             "--password", PASSWORD, "--runs", "1", "--json"], capture_output=True, text=True, timeout=120)
    run = json.loads(output.stdout)["runs"][0]
    if run["size_mismatches"]:
        raise RuntimeError("size mismatches")
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facteur", required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--live-count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upgrade-backfill-"))
    try:
        write_corpus(work / "corpus", args.count, 7)
        write_corpus(work / "live-corpus", args.live_count, 11)
        facteur = Facteur(args.facteur, work / "server")
        for user, corpus in ((f"upgraded@{DOMAIN}", "corpus"), (f"live@{DOMAIN}", "live-corpus")):
            facteur.add_user(user)
            facteur.cli("import", user, "--format", "mbox", str(work / corpus / "corpus.mbox"))
        data = work / "server" / "data"
        database = sqlite3.connect(data / "facteur.sqlite")
        with database:
            upgraded = "SELECT m.id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id JOIN accounts a ON a.id = b.account_id WHERE a.address_key = ?"
            database.execute(f"DELETE FROM message_search WHERE message_id IN ({upgraded})", (f"upgraded@{DOMAIN}",))
            database.execute(f"UPDATE blobs SET pop3_plain = NULL, pop3_dot_offsets = NULL WHERE sha256 IN "
                             f"(SELECT content_sha256 FROM messages WHERE id IN ({upgraded}))", (f"upgraded@{DOMAIN}",))
            database.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, 0)", (CURSOR,))
            files = database.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs WHERE data IS NULL AND pop3_plain IS NULL").fetchone()
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        shutil.copytree(data, work / "template")
        print(f"store: {args.count} upgraded messages ({files[0]} files, {files[1] / 1e6:.1f} MB to scan), "
              f"{args.live_count} live", flush=True)
        rounds = []
        for number in range(args.rounds):
            shutil.rmtree(data)
            shutil.copytree(work / "template", data)
            load_before = os.getloadavg()[0]
            facteur.start()
            pid = facteur.process.pid
            started, cpu_started = time.monotonic(), cpu_seconds(pid)
            live = number % 2 == 1
            during = []
            deadline = started + 300
            while cursor_present(data / "facteur.sqlite") and time.monotonic() < deadline:
                if live and len(during) < 50:
                    during.append(download(facteur.ports["pop3"], f"live@{DOMAIN}"))
                else:
                    time.sleep(0.05)
            seconds, cpu = time.monotonic() - started, cpu_seconds(pid) - cpu_started
            after = [download(facteur.ports["pop3"], f"live@{DOMAIN}") for _ in range(max(3, min(len(during), 10)))] if live else []
            idle_started, idle_cpu = time.monotonic(), cpu_seconds(pid)
            time.sleep(2)
            idle = (cpu_seconds(pid) - idle_cpu) / (time.monotonic() - idle_started)
            facteur.stop()
            median = lambda runs, key: statistics.median(run[key] for run in runs) if runs else float("nan")
            result = {"round": number + 1, "live": live, "backfill_s": seconds, "server_cpu_s": cpu, "idle_cpu_per_s": idle,
                      "downloads_during": len(during), "download_s_during": median(during, "seconds"),
                      "download_s_after": median(after, "seconds"),
                      "small_retr_ms_during": median(during, "small_retr_median_ms"),
                      "small_retr_ms_after": median(after, "small_retr_median_ms"),
                      "load1_before": load_before, "load1_after": os.getloadavg()[0]}
            rounds.append(result)
            print(json.dumps(result), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
