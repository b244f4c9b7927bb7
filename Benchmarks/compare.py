#!/usr/bin/env python3
"""Runs the comparison scenarios against Facteur and the peers (Postfix + Dovecot), alternating
the servers run by run, prints one table `scenario | facteur | peer | ratio` and records it in
Benchmarks/RESULTS.md. Started by compare.sh, which installs the peers first.

ratio = how many times better Facteur is: facteur/peer for rates, peer/facteur for times.
A peer that cannot be started is skipped with its reason in the table; Facteur always runs.

    python3 Benchmarks/compare.py --facteur .build-release/release/facteur
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cpu_usage import CPUAccount  # noqa: E402
import delivery_latency  # noqa: E402
import imap_idle_memory  # noqa: E402
import imap_large_mailbox  # noqa: E402
import imap_sync_report  # noqa: E402
import imap_mix  # noqa: E402
from make_corpus import mboxrd, write_corpus  # noqa: E402
from pop3_download import BENCH_CLIENT, POP3Connection, compiled_client_download, python_client_download  # noqa: E402,E501
from servers import DOMAIN, PASSWORD, Dovecot, Facteur, Postfix  # noqa: E402

LOAD_RE = re.compile(r"(\d+) accepted, (\d+) failed in ([\d.]+)s = (\d+) msg/s; DATA-to-250 p50 ([\d.na]+) ms, "
                     r"p99 ([\d.na]+) ms")
LOAD_USERS = [f"user{n}@{DOMAIN}" for n in range(1, 6)]
POP_USER = f"reader@{DOMAIN}"
PIPELINE = 16  # pop3-download's pipelined row: RETRs in flight
IMAP_USER = f"imapbig@{DOMAIN}"   # the 10,000-message mailbox
IDLE_USER = f"idler@{DOMAIN}"     # a small INBOX for the idle connections
MIX_USER_PATTERN = "mix{n}@" + DOMAIN  # imap-mix: one account per client
LATENCY_USER_PATTERN = "lat{n}@" + DOMAIN  # delivery-latency: one recipient (and IDLE client) per sender
SCENARIOS = ["smtp", "lmtp", "delivery-latency", "pop3", "imap-large", "imap-sync", "imap-mix", "imap-idle"]


class Row:
    def __init__(self, scenario: str, facteur, peer, unit: str, higher_is_better: bool, note: str = ""):
        self.scenario, self.facteur, self.peer, self.unit = scenario, facteur, peer, unit
        self.higher_is_better, self.note = higher_is_better, note

    def ratio(self) -> str:
        if not isinstance(self.facteur, (int, float)) or not isinstance(self.peer, (int, float)):
            return "-"
        if self.facteur <= 0 or self.peer <= 0:
            return "-"
        value = self.facteur / self.peer if self.higher_is_better else self.peer / self.facteur
        return f"{value:.2f}x"

    @staticmethod
    def cell(value, unit: str) -> str:
        if isinstance(value, (int, float)):
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"
        return str(value)

    def cells(self) -> list[str]:
        return [self.scenario, self.cell(self.facteur, self.unit), self.cell(self.peer, self.unit), self.ratio()]


def log(text: str):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def smtp_load(port: int, label: str, lmtp: bool, args) -> dict:
    command = [sys.executable, str(HERE / "smtp_load.py"), "--port", str(port), "--messages", str(args.messages),
               "--connections", str(args.connections), "--size", str(args.size), "--label", label,
               "--max-seconds", "180"]
    for user in LOAD_USERS:
        command += ["--rcpt", user]
    if lmtp:
        command.append("--lmtp")
    output = subprocess.run(command, capture_output=True, text=True, timeout=240)
    match = LOAD_RE.search(output.stdout)
    if output.returncode != 0 or not match:
        raise RuntimeError(f"smtp_load.py failed: {(output.stdout + output.stderr).strip()[-800:]}")
    log("  " + output.stdout.strip())
    accepted, failed = int(match.group(1)), int(match.group(2))
    return {"accepted": accepted, "failed": failed, "seconds": float(match.group(3)), "rate": float(match.group(4)),
            "p50": float(match.group(5)), "p99": float(match.group(6))}


FACTEUR_ACCEPTED = []  # every load run's accepted count against Facteur, checked against POP3 STAT
DOVECOT_EXPECTED = []  # what Postfix accepted and Dovecot's LMTP accepted, checked against the Maildirs


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def scenario_smtp(facteur: Facteur, postfix: Postfix | None, dovecot: Dovecot | None, skip: dict, args) -> list[Row]:
    log(f"smtp-accept: {args.messages} x {args.size} B over {args.connections} connections to {len(LOAD_USERS)} users, "
        f"{args.rounds} rounds alternating")
    ours, theirs, end_to_end = [], [], []
    for round_number in range(args.rounds):
        ours.append(smtp_load(facteur.ports["smtp"], f"facteur smtp #{round_number + 1}", False, args))
        FACTEUR_ACCEPTED.append(ours[-1]["accepted"])
        if postfix is None:
            continue
        before = dovecot.count_delivered(LOAD_USERS)
        result = smtp_load(postfix.smtp_port, f"postfix smtpd #{round_number + 1}", False, args)
        load_done = time.monotonic()
        theirs.append(result)
        DOVECOT_EXPECTED.append(result["accepted"])
        target = before + result["accepted"]
        deadline = load_done + 300
        while dovecot.count_delivered(LOAD_USERS) < target and time.monotonic() < deadline:
            time.sleep(0.02)
        delivered = dovecot.count_delivered(LOAD_USERS) - before
        # The load's own clock (as for Facteur) plus the wait for the queue to drain into the Maildirs.
        seconds = result["seconds"] + (time.monotonic() - load_done)
        end_to_end.append({"seconds": seconds, "rate": delivered / seconds, "delivered": delivered})
        log(f"  postfix -> dovecot lmtp: {delivered} in the maildirs after {seconds:.2f}s = {delivered / seconds:.0f} msg/s")
        if delivered < result["accepted"]:
            log(f"  WARNING: only {delivered} of {result['accepted']} delivered within 300 s (see postfix.log)")
    peer = skip.get("postfix")
    failures = sum(r["failed"] for r in ours) + sum(r["failed"] for r in theirs)
    note = f"{failures} failed transactions" if failures else ""
    rows = [
        Row("smtp-accept msg/s (Facteur SMTP vs Postfix smtpd)", median_of(ours, "rate"),
            peer or median_of(theirs, "rate"), "msg/s", True, note),
        Row("smtp-accept DATA-to-250 p50", median_of(ours, "p50"), peer or median_of(theirs, "p50"), "ms", False),
        Row("smtp-accept DATA-to-250 p99", median_of(ours, "p99"), peer or median_of(theirs, "p99"), "ms", False),
        Row("smtp-accept durable in mailbox msg/s (Postfix queue + Dovecot LMTP)", median_of(ours, "rate"),
            peer or median_of(end_to_end, "rate"), "msg/s", True),
        Row("smtp-accept time until all in mailboxes", median_of(ours, "seconds"),
            peer or median_of(end_to_end, "seconds"), "s", False),
    ]
    return rows


def scenario_lmtp(facteur: Facteur, dovecot: Dovecot | None, skip: dict, args) -> list[Row]:
    log(f"lmtp-accept: the same load over LMTP, Facteur vs Dovecot, {args.rounds} rounds alternating")
    ours, theirs = [], []
    for round_number in range(args.rounds):
        ours.append(smtp_load(facteur.ports["lmtp"], f"facteur lmtp #{round_number + 1}", True, args))
        FACTEUR_ACCEPTED.append(ours[-1]["accepted"])
        if dovecot is not None:
            theirs.append(smtp_load(dovecot.lmtp_port, f"dovecot lmtp #{round_number + 1}", True, args))
            DOVECOT_EXPECTED.append(theirs[-1]["accepted"])
    peer = skip.get("dovecot")
    return [
        Row("lmtp-accept msg/s (Facteur LMTP vs Dovecot LMTP)", median_of(ours, "rate"),
            peer or median_of(theirs, "rate"), "msg/s", True),
        Row("lmtp-accept DATA-to-250 p50", median_of(ours, "p50"), peer or median_of(theirs, "p50"), "ms", False),
        Row("lmtp-accept DATA-to-250 p99", median_of(ours, "p99"), peer or median_of(theirs, "p99"), "ms", False),
    ]


def pop3_download(port: int, label: str, cpu: CPUAccount | None = None, pin: int | None = None,
                  python_client: bool = False, pipeline: int = 1) -> dict:
    """One download by the compiled client (Benchmarks/FacteurBench), or pop3_download.py's if asked
    or if the compiled one was not built; `pin` runs the client on that one CPU; `pipeline` RETRs
    in flight (compiled client only)."""
    before = cpu.usage() if cpu else None
    if python_client or not BENCH_CLIENT.exists():
        run = python_client_download(port, POP_USER, PASSWORD, label, pin)
    else:
        run = compiled_client_download(port, POP_USER, PASSWORD, label, pin, pipeline=pipeline)
    after = cpu.usage() if cpu else None
    run["cpu_s"] = after - before if before is not None and after is not None else "n/a"
    log(f"  {label}: {run['messages']} messages, {run['bytes'] / 1e6:.1f} MB in {run['seconds']:.2f}s, "
        f"small RETR {run['small_retr_median_ms']:.2f} ms, client CPU {run.get('client_cpu_s', 0):.2f} s "
        f"({run['size_mismatches']} size mismatches)")
    if run["size_mismatches"]:
        raise RuntimeError(f"{label}: {run['size_mismatches']} messages differ from their LIST size")
    return run


class NullPOP3:
    """Benchmarks/pop3_null_server.py in its own process: the floor of pop3-download (what the same
    client takes against a server that costs almost nothing), on the same corpus."""

    def __init__(self, corpus: Path, count: int, pin: int | None = None):
        self.pin = pin
        pinning = ["--cpu", str(pin)] if pin is not None else []
        self.process = subprocess.Popen([sys.executable, str(HERE / "pop3_null_server.py"), str(corpus),
                                         "--count", str(count)] + pinning, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"listening pop3-null 127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"pop3_null_server.py did not start: {line!r}")
        self.port = int(match.group(1))
        self.cpu = CPUAccount("pop3-null")
        self.cpu.add_tree(self.process.pid)

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)
        if getattr(self, "cpu", None) is not None:
            self.cpu.close()


def phase_ms(runs: list[dict], key: str):
    return statistics.median(run["phases"][key] for run in runs) * 1000


def scenario_pop3(facteur: Facteur, dovecot: Dovecot | None, skip: dict, corpus: Path, count: int, args) -> list[Row]:
    compiled = BENCH_CLIENT.exists()
    client = "the compiled client (facteur-bench)" if compiled else "the Python client (pop3_download.py)"
    log(f"pop3-download: {count}-message mailbox, USER/PASS, LIST, RETR each (no DELE), by {client}; 1 warm-up "
        f"then {args.pop3_runs} runs alternating, with the null server (the floor) as a third")
    # The null server twice: placed by the scheduler like the servers, and pinned with the client
    # to one CPU (no cross-CPU wake-ups: the floor).
    null = NullPOP3(corpus, count)
    floor_cpu = max(os.sched_getaffinity(0))
    pinned = None
    try:
        pinned = NullPOP3(corpus, count, pin=floor_cpu)
        # The warm-up lets each server build its caches (Dovecot indexes the Maildir on first login).
        pop3_download(facteur.ports["pop3"], "facteur pop3 warm-up")
        if dovecot is not None:
            pop3_download(dovecot.pop3_port, "dovecot pop3 warm-up")
        pop3_download(null.port, "null pop3 warm-up")
        pop3_download(pinned.port, "null pop3 pinned warm-up", pin=floor_cpu)
        ours, theirs, unpinned, floor, ours_python, theirs_python = [], [], [], [], [], []
        ours_pipelined, theirs_pipelined = [], []
        for run in range(args.pop3_runs):
            ours.append(pop3_download(facteur.ports["pop3"], f"facteur pop3 #{run + 1}", facteur.cpu))
            if dovecot is not None:
                theirs.append(pop3_download(dovecot.pop3_port, f"dovecot pop3 #{run + 1}", dovecot.cpu))
            if compiled:
                # RFC 2449 PIPELINING: no round trip between answers, so the servers' own speed shows.
                ours_pipelined.append(pop3_download(facteur.ports["pop3"], f"facteur pop3, {PIPELINE} RETRs in flight "
                                                    f"#{run + 1}", pipeline=PIPELINE))
                if dovecot is not None:
                    theirs_pipelined.append(pop3_download(dovecot.pop3_port, f"dovecot pop3, {PIPELINE} RETRs in flight "
                                                          f"#{run + 1}", pipeline=PIPELINE))
                # The Python client too, as in the runs before 2026-12-01 (comparable with them).
                ours_python.append(pop3_download(facteur.ports["pop3"], f"facteur pop3, Python client #{run + 1}",
                                                 python_client=True))
                if dovecot is not None:
                    theirs_python.append(pop3_download(dovecot.pop3_port, f"dovecot pop3, Python client #{run + 1}",
                                                       python_client=True))
            unpinned.append(pop3_download(null.port, f"null pop3 #{run + 1}", null.cpu))
            floor.append(pop3_download(pinned.port, f"null pop3, client and server on CPU {floor_cpu}, #{run + 1}",
                                       pinned.cpu, pin=floor_cpu))
    finally:
        null.stop()
        if pinned is not None:
            pinned.stop()
    peer = skip.get("dovecot")
    megabytes = ours[0]["bytes"] / 1e6
    null_cpu = cpu_median(floor)
    null_cpu_text = f"{null_cpu:.3f} s" if isinstance(null_cpu, float) else null_cpu
    phases = ours[0]["phases"]

    def null_phases(key: str) -> str:
        return f"null server {phase_ms(unpinned, key):.0f} ms, pinned with the client {phase_ms(floor, key):.0f} ms"

    rows = [
        Row(f"pop3-download {count} msgs / {megabytes:.0f} MB, median s", median_of(ours, "seconds"),
            peer or median_of(theirs, "seconds"), "s", False,
            f"by {client}; client CPU per download {median_of(ours, 'client_cpu_s'):.3f} s"),
        Row("pop3-download MB/s", megabytes / median_of(ours, "seconds"),
            peer or (theirs[0]["bytes"] / 1e6) / median_of(theirs, "seconds"), "MB/s", True),
        Row("pop3-download RETR round trip, messages < 16 KB (median)", median_of(ours, "small_retr_median_ms"),
            peer or median_of(theirs, "small_retr_median_ms"), "ms", False),
        Row("pop3-download server CPU per download (median)", cpu_median(ours),
            peer or cpu_median(theirs), "s", False),
        Row("pop3-download phase: login (USER + PASS, Argon2id)", phase_ms(ours, "login_s"),
            peer or phase_ms(theirs, "login_s"), "ms", False),
        Row(f"pop3-download phase: {phases['small_retr_count']} RETRs < 16 KB, total",
            phase_ms(ours, "small_retr_s"), peer or phase_ms(theirs, "small_retr_s"), "ms", False,
            null_phases("small_retr_s")),
        Row(f"pop3-download phase: {phases['large_retr_count']} RETRs >= 16 KB, total",
            phase_ms(ours, "large_retr_s"), peer or phase_ms(theirs, "large_retr_s"), "ms", False,
            null_phases("large_retr_s")),
        # Facteur's column holds the null server in these two: the ratio is what a server costing
        # (almost) nothing reaches against Dovecot here.
        Row("pop3-download null server (Benchmarks/pop3_null_server.py) in Facteur's column, median s",
            median_of(unpinned, "seconds"), peer or median_of(theirs, "seconds"), "s", False,
            "the same client against a responder sending prepared answers by sendfile, no password check "
            "(a server verifying the Argon2id hash spends the login phase's ~15-25 ms more), placed by the "
            "scheduler as the servers are"),
        Row(f"pop3-download floor: null server and client pinned to CPU {floor_cpu}, in Facteur's column, median s",
            median_of(floor, "seconds"), peer or median_of(theirs, "seconds"), "s", False,
            f"no cross-CPU wake-ups (its CPU per download {null_cpu_text}) and no Argon2id: the best ratio any "
            f"server reaches on this machine"),
    ]
    if ours_pipelined:
        rows.insert(1, Row(f"pop3-download with {PIPELINE} RETRs in flight (RFC 2449 PIPELINING), median s",
                           median_of(ours_pipelined, "seconds"), peer or median_of(theirs_pipelined, "seconds"), "s",
                           False, "the compiled client sends the next RETRs before the answers arrive: no round "
                           "trip between two answers, as a client that pipelines downloads"))
    if ours_python:
        rows.insert(1, Row("pop3-download by the Python client (Benchmarks/pop3_download.py), median s",
                           median_of(ours_python, "seconds"), peer or median_of(theirs_python, "seconds"), "s", False,
                           f"the client of the runs before 2026-12-01; its CPU per download "
                           f"{median_of(ours_python, 'client_cpu_s'):.3f} s"))
    return rows


def cpu_median(runs: list[dict]):
    """The median CPU seconds of the runs, or n/a when the CPU could not be counted."""
    values = [run["cpu_s"] for run in runs if isinstance(run.get("cpu_s"), (int, float))]
    return statistics.median(values) if values else "n/a"


def imap_large(port: int, label: str) -> dict:
    result = imap_large_mailbox.run("127.0.0.1", port, IMAP_USER, PASSWORD, runs=1)
    log(f"  {label}: {result['messages']} messages, SELECT {result['select_s']:.3f}s, UID FETCH "
        f"{result['fetch_s']:.3f}s ({result['fetch_bytes'] / 1e6:.1f} MB), SEARCH TEXT {result['search_s']:.3f}s "
        f"({result['search_hits']} hits)")
    if result["search_hits"] != result["expected_hits"]:
        raise RuntimeError(f"{label}: SEARCH TEXT found {result['search_hits']}, expected {result['expected_hits']}")
    return result


def scenario_imap_large(facteur: Facteur, dovecot: Dovecot | None, skip: dict, count: int, args) -> list[Row]:
    log(f"imap-large-mailbox: {count} messages; SELECT, UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE "
        f"ENVELOPE), SEARCH TEXT; 1 warm-up then {args.imap_runs} fresh sessions alternating")
    imap_large(facteur.ports["imap"], "facteur imap warm-up")
    if dovecot is not None:
        imap_large(dovecot.imap_port, "dovecot imap warm-up")
    ours, theirs = [], []
    for run in range(args.imap_runs):
        ours.append(imap_large(facteur.ports["imap"], f"facteur imap #{run + 1}"))
        if dovecot is not None:
            theirs.append(imap_large(dovecot.imap_port, f"dovecot imap #{run + 1}"))
    peer = skip.get("dovecot")
    return [
        Row(f"imap-large-mailbox SELECT ({count} msgs)", median_of(ours, "select_s") * 1000,
            peer or median_of(theirs, "select_s") * 1000, "ms", False),
        Row("imap-large-mailbox UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)",
            median_of(ours, "fetch_s") * 1000, peer or median_of(theirs, "fetch_s") * 1000, "ms", False),
        Row("imap-large-mailbox SEARCH TEXT", median_of(ours, "search_s") * 1000,
            peer or median_of(theirs, "search_s") * 1000, "ms", False),
    ]


def scenario_imap_sync(facteur: Facteur, dovecot: Dovecot | None, skip: dict, count: int, args) -> list[Row]:
    """Issue 4's figures on the imap-large mailbox (which they change: run after imap-large)."""
    log(f"imap-sync: QRESYNC resync after 100 changes, SEARCH BODY, SORT (DATE), COMPRESS=DEFLATE ratio of a "
        f"header fetch; {args.imap_runs} runs each")
    ours = imap_sync_report.run("127.0.0.1", facteur.ports["imap"], IMAP_USER, PASSWORD, runs=args.imap_runs)
    log(f"  facteur: {ours}")
    theirs = {}
    if dovecot is not None:
        theirs = imap_sync_report.run("127.0.0.1", dovecot.imap_port, IMAP_USER, PASSWORD, runs=args.imap_runs)
        log(f"  dovecot: {theirs}")
    peer = skip.get("dovecot")

    def their(key, scale=1.0):
        value = theirs.get(key)
        return peer or ("n/a" if value is None else value * scale)

    def ratio_of(result):
        compress = result.get("compress")
        return "n/a" if not compress else compress["plain_octets"] / max(compress["wire_octets"], 1)
    return [
        Row(f"imap-sync QRESYNC resync after 100 changes ({count} msgs), octets", ours["qresync_octets"],
            their("qresync_octets"), "B", False),
        Row("imap-sync QRESYNC resync after 100 changes, time", ours["qresync_s"] * 1000, their("qresync_s", 1000),
            "ms", False),
        Row("imap-sync SEARCH BODY", ours["search_body_s"] * 1000, their("search_body_s", 1000), "ms", False),
        *[Row(f"imap-sync SORT ({name.upper()}) UTF-8 ALL",
              "n/a" if ours[f"sort_{name}_s"] is None else ours[f"sort_{name}_s"] * 1000,
              their(f"sort_{name}_s", 1000), "ms", False) for name in ("date", "subject", "from")],
        Row("imap-sync COMPRESS=DEFLATE: header fetch plain/wire", ratio_of(ours), peer or ratio_of(theirs), "x", True),
    ]


def scenario_imap_idle(facteur: Facteur, dovecot: Dovecot | None, skip: dict, args) -> list[Row]:
    count = args.idle_connections
    log(f"imap-idle-memory: {count} connections logged in, INBOX selected, in IDLE; PSS of the server's processes")
    # A fresh Facteur process: after the other scenarios its heap holds freed but resident pages
    # that new connections reuse without growing PSS (0.2 KiB per connection measured at 15:18
    # on 2026-11-30): the figure would show the earlier scenarios' high-water mark, not what a
    # connection costs. Dovecot's imap processes are new per connection anyway.
    facteur.stop()
    facteur.start()
    ours = imap_idle_memory.run("127.0.0.1", facteur.ports["imap"], IDLE_USER, PASSWORD,
                                lambda: [facteur.process.pid], count)
    log(f"  facteur: {ours}")
    theirs = None
    if dovecot is not None:
        master = dovecot.process.pid
        theirs = imap_idle_memory.run("127.0.0.1", dovecot.imap_port, IDLE_USER, PASSWORD,
                                      lambda: imap_idle_memory.process_tree(master), count)
        log(f"  dovecot (imap_hibernate_timeout = 2 s): {theirs}")
    peer = skip.get("dovecot")
    note = ""
    if theirs is not None and theirs["processes"] > count // 2:
        # Hibernated connections live in one imap-hibernate process; one process each means it did not happen.
        note = (f"Dovecot kept {theirs['processes']} processes: imap_hibernate_timeout did not take effect in "
                f"this private configuration, so its figure is Dovecot without hibernation")
    return [Row(f"imap-idle-memory KiB per IDLE connection ({count} connections)", ours["kib_per_connection"],
                peer or theirs["kib_per_connection"], "KiB", False, note)]


def latency_level(port_smtp: int, port_imap: int, users: list[str], messages: int, label: str) -> dict:
    result = delivery_latency.run("127.0.0.1", port_smtp, port_imap, users, PASSWORD, messages)
    log(f"  {label}: {result['accepted']} accepted by {result['senders']} senders in {result['seconds']:.2f}s, "
        f"{result['missing']} never announced; 250-to-EXISTS p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms")
    if result["missing"] or result["failed"]:
        raise RuntimeError(f"{label}: {result['failed']} refused, {result['missing']} never announced in IDLE")
    return result


def scenario_latency(facteur: Facteur, postfix: Postfix | None, dovecot: Dovecot | None, skip: dict,
                     args) -> list[Row]:
    senders = args.connections
    users = [LATENCY_USER_PATTERN.format(n=n) for n in range(1, senders + 1)]
    log(f"delivery-latency: SMTP 250 to IDLE EXISTS; low load (1 sender x {args.latency_messages * 4} messages) "
        f"and load ({senders} senders x {args.latency_messages}), Facteur then Postfix -> Dovecot LMTP -> IDLE")
    levels = [("low load, 1 sender", users[:1], args.latency_messages * 4),
              (f"load, {senders} senders", users, args.latency_messages)]
    rows = []
    peer_skip = skip.get("postfix")
    for name, level_users, messages in levels:
        ours = latency_level(facteur.ports["smtp"], facteur.ports["imap"], level_users, messages, f"facteur {name}")
        theirs = None
        if postfix is not None:
            theirs = latency_level(postfix.smtp_port, dovecot.imap_port, level_users, messages, f"postfix+dovecot {name}")
        for key, label in (("p50_ms", "p50"), ("p99_ms", "p99")):
            rows.append(Row(f"delivery-latency 250-to-IDLE-EXISTS {label}, {name}", ours[key],
                            peer_skip or theirs[key], "ms", False))
        if ours.get("exists_first"):
            # A p50 of 0 has no ratio ("-"): say why instead of leaving the row unexplained.
            rows[-2].note = (f"for {ours['exists_first']} of {ours['accepted']} messages Facteur's IDLE "
                             "client had its EXISTS before the sender had its 250 (latency 0: the EXISTS is "
                             "pushed at the commit that precedes the 250)")
    rows[-1].note = ("Postfix's 250 means queued; its figure includes the queue, the LMTP hand-over to Dovecot and "
                     "Dovecot's IDLE notification (the IDLE clients may be hibernated after 2 s)")
    return rows


def mix_run(port: int, label: str, args, tls: bool, cpu: CPUAccount | None = None) -> dict:
    before = cpu.usage() if cpu else None
    result = imap_mix.run("127.0.0.1", port, MIX_USER_PATTERN, PASSWORD, args.mix_clients, args.mix_seconds, tls=tls)
    after = cpu.usage() if cpu else None
    result["cpu_ms_per_op"] = ((after - before) * 1000 / result["operations"]
                               if before is not None and after is not None and result["operations"] else "n/a")
    worst = max(result["commands"].items(), key=lambda item: item[1]["p99_ms"] if item[1]["count"] else 0)
    log(f"  {label}: {result['operations']} operations in {result['seconds']:.1f}s = {result['ops_per_s']:.0f} ops/s, "
        f"worst p99 {worst[0]} {worst[1]['p99_ms']:.1f} ms, {len(result['errors'])} client errors")
    if result["errors"]:
        raise RuntimeError(f"{label}: {result['errors'][:3]}")
    return result


def scenario_imap_mix(facteur: Facteur, dovecot: Dovecot | None, skip: dict, args) -> list[Row]:
    log(f"imap-mix: {args.mix_clients} clients, each on its own {args.mix_messages}-message INBOX, "
        f"{args.mix_seconds:.0f} s per run; plain then implicit TLS, Facteur and Dovecot alternating")
    peer = skip.get("dovecot")
    rows = []
    for tls, mode in ((False, "plain"), (True, "TLS")):
        ours = mix_run(facteur.ports["imaps" if tls else "imap"], f"facteur imap-mix {mode}", args, tls, facteur.cpu)
        theirs = None
        if dovecot is not None:
            theirs = mix_run(dovecot.imaps_port if tls else dovecot.imap_port, f"dovecot imap-mix {mode}", args, tls,
                             dovecot.cpu)
        rows.append(Row(f"imap-mix ops/s ({args.mix_clients} clients, {mode})", ours["ops_per_s"],
                        peer or theirs["ops_per_s"], "ops/s", True))
        rows.append(Row(f"imap-mix server CPU per operation ({mode})", ours["cpu_ms_per_op"],
                        peer or theirs["cpu_ms_per_op"], "ms", False,
                        "CPU time of the server's whole process tree (a cgroup) / operations: steadier than "
                        "ops/s on a busy machine" if mode == "plain" else ""))
        for command in imap_mix.COMMANDS:
            rows.append(Row(f"imap-mix {mode} p99 {command}", ours["commands"][command]["p99_ms"],
                            peer or theirs["commands"][command]["p99_ms"], "ms", False))
    return rows


def stored_count(port: int) -> int:
    """Messages in the load users' mailboxes, by POP3 STAT: what a 250 promised is really there."""
    total = 0
    for user in LOAD_USERS:
        connection = POP3Connection("127.0.0.1", port, 60)
        connection.line()
        connection.command(f"USER {user}")
        connection.command(f"PASS {PASSWORD}")
        total += int(connection.command("STAT").split()[1])
        connection.close()
    return total


def table(rows: list[Row]) -> str:
    header = ["scenario", "facteur", "peer", "ratio"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---", "---:", "---:", "---:"]) + "|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    memory = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except Exception:
        pass
    cpu = ""
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except Exception:
        pass
    disk = subprocess.run(["df", "-T", tempfile.gettempdir()], capture_output=True, text=True).stdout.splitlines()[-1].split()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return (f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, kernel {platform.release()}, "
            f"temp dir on {disk[1] if len(disk) > 1 else '?'}; load average at start {load}")


def versions(binary: str) -> str:
    def run(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
        except Exception:
            return "not installed"
    return (f"{run(binary, 'version')}; Dovecot {run('dovecot', '--version')}; "
            f"Postfix {run('postconf', '-d', '-h', 'mail_version')}")


HOW_TO = """# Facteur benchmarks: comparison with Postfix + Dovecot

How to reproduce: on a Debian 12 machine, as root, from the repository root, run
`Benchmarks/compare.sh` (optionally `FACTEUR_BIN=/path/to/facteur`). It installs Debian's
dovecot-core, dovecot-pop3d, dovecot-imapd, dovecot-lmtpd and postfix if missing (no system
instance is left running), starts a private Dovecot (POP3 + LMTP, Maildir, `mail_fsync = always`,
its passwd-file holding the very Argon2id string Facteur stored, so a login costs both the same)
and a private Postfix (own config and queue, delivering to that Dovecot over LMTP) in a temporary
directory, all on 127.0.0.1 only, makes a seeded corpus (Benchmarks/make_corpus.py), runs each
scenario against Facteur and the peer in alternation and adds a section below (newest first).
It takes about 5 minutes on 2 cores, plus the package install and, on a fresh checkout, the
release build of Facteur it starts with (~10 minutes; `FACTEUR_BIN=path` uses that binary instead). ratio = how many times better
Facteur is (rates: facteur/peer; times and latencies: peer/facteur); below 1.00x the peer is
faster. Every run checks that what was accepted is in the mailboxes (POP3 STAT on Facteur,
counting Maildir files on Dovecot) and that every RETR matches its LIST size; the corpus reaches
both servers byte for byte (mboxrd quoting and POP3 dot-stuffing undone). Facteur's 250 means the message is fsynced in the mailbox; for
Postfix it means fsynced in its queue, so the "durable in mailbox" row also waits until every
message is in Dovecot's Maildir. Dovecot and Postfix log at their default level (one line per
message), Facteur at `notice`.

Scenarios: smtp-accept (Benchmarks/smtp_load.py: N messages of S bytes over C connections to
5 users, pipelined MAIL/RCPT/DATA), lmtp-accept (same, LMTP), pop3-download
(`facteur-bench pop3-download`, the compiled client in Benchmarks/FacteurBench that compare.sh
builds: USER/PASS, LIST, RETR of every message, no DELE, one command at a time, blocking socket
calls, each reply received into one reusable buffer and counted in place; 1 warm-up, then the
median of 5 runs; the mailbox is a 1,000-message corpus loaded into Facteur by
`facteur import --format mbox` and into Dovecot as Maildir files; one row repeats it with 16 RETRs
in flight (RFC 2449 PIPELINING, which both servers announce), one with Benchmarks/pop3_download.py, the Python client of the runs before 2026-12-01, whose own CPU
(~0.13-0.18 s per download against ~0.03-0.06 s) made every server look alike), imap-large-mailbox
(Benchmarks/imap_large_mailbox.py: a 10,000-message mailbox loaded the same way; SELECT, then
`UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)`, then `SEARCH TEXT`, each in a fresh
session; 1 warm-up, median of 3) and imap-idle-memory (Benchmarks/imap_idle_memory.py: 1,000
connections logged in with INBOX selected and in IDLE; the growth of the servers' summed PSS per
connection; Dovecot with `imap_hibernate_timeout = 2 secs`, its best idle configuration, when it takes
effect: the run notes say when it did not).

delivery-latency (Benchmarks/delivery_latency.py): one IMAP client per recipient in IDLE on INBOX;
each sender sends 10 KB messages one after another to its own recipient over SMTP; latency is from
the SMTP 250 to the `* n EXISTS` that announces the message (for the peer: Postfix's 250 means
queued, so it includes the queue, the LMTP hand-over and Dovecot's IDLE notification). Low load is
1 sender x 100 messages, load is 20 senders (the smtp-accept connection count) x 25 messages.
imap-mix (Benchmarks/imap_mix.py): 20 clients, each logged in to its own account whose INBOX holds
the first 200 corpus messages (without \Seen on both servers), each looping for 15 s over SELECT,
FETCH of the last 50 headers (`BODY.PEEK[HEADER.FIELDS (...)] FLAGS`), FETCH of one whole message,
STORE +FLAGS (\Seen) on it (a write the first time a message is chosen, a no-op afterwards),
SEARCH UNSEEN, SEARCH FROM, APPEND of a 3 KB message, UID STORE \Deleted + EXPUNGE of it and a
short IDLE; ops/s over all clients and p99 per command, plain IMAP then IMAPS (implicit TLS),
Facteur and Dovecot alternating. One asyncio client process drives both servers identically (it
shares the 2 cores with the server under test). `--only a,b` runs a subset of the scenarios.
pop3-download also times a null server (Benchmarks/pop3_null_server.py: a Python responder that
accepts any login, so no Argon2id, and sends each RETR's prepared, dot-stuffed answer with one
sendfile) with the same client, in alternation: the client shares the 2 cores and a wake-up across CPUs costs tens of
microseconds on a VM. Once placed by the scheduler like the servers, once with server and client
pinned to one CPU (no cross-CPU wake-ups): that row is the floor, and its ratio to Dovecot the best
any server could reach here. The phase rows split each download into login, small RETRs (< 16 KB)
and large RETRs (sums of the round trips), with the null server's figures in the notes.
imap-mix and pop3-download also report the server's CPU time per operation (per download): the
CPU of the server's whole process tree, counted by a cgroup of its own (Benchmarks/cpu_usage.py;
Dovecot's per-connection processes included). On a busy machine ops/s and latencies move with
whatever else runs, CPU per operation much less: compare it between runs.
"""


def write_results(section: str):
    path = HERE / "RESULTS.md"
    previous = ""
    if path.exists():
        text = path.read_text()
        # Everything after the fixed header is kept: earlier runs and the notes on fixes.
        marker = text.find("\n## ")
        previous = text[marker + 1:] if marker >= 0 else ""
    path.write_text(HOW_TO + "\n" + section + ("\n" + previous if previous else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facteur", required=True, help="the facteur binary")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--size", type=int, default=10240)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of smtp/lmtp-accept")
    parser.add_argument("--pop3-messages", type=int, default=1000)
    parser.add_argument("--pop3-runs", type=int, default=5)
    parser.add_argument("--imap-messages", type=int, default=10_000)
    parser.add_argument("--imap-runs", type=int, default=3)
    parser.add_argument("--idle-connections", type=int, default=1000)
    parser.add_argument("--latency-messages", type=int, default=25,
                        help="delivery-latency: messages per sender under load (4x that at low load)")
    parser.add_argument("--mix-clients", type=int, default=20)
    parser.add_argument("--mix-messages", type=int, default=200, help="imap-mix: corpus messages in each INBOX")
    parser.add_argument("--mix-seconds", type=float, default=15, help="imap-mix: length of each run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help=f"comma-separated scenarios to run (default all: {','.join(SCENARIOS)})")
    parser.add_argument("--work-dir", type=Path, help="an empty directory to work in (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--command", default=" ".join(sys.argv), help="the command line recorded in RESULTS.md")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(sorted(unknown))}; known: {', '.join(SCENARIOS)}")

    started = time.monotonic()
    # A thousand idle IMAP connections need descriptors in this process and in the servers it starts.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    machine_line = machine()  # before the run, so the load average shows what else the machine was doing
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="facteur-bench-"))
    log(f"work directory {work}")
    facteur = dovecot = postfix = None
    skip: dict[str, str] = {}
    rows: list[Row] = []
    try:
        corpus = work / "corpus"
        sizes = write_corpus(corpus, args.pop3_messages, args.seed)
        log(f"corpus: {len(sizes)} messages, {sum(sizes) / 1e6:.1f} MB, {min(sizes)}-{max(sizes)} B, "
            f"median {sorted(sizes)[len(sizes) // 2]} B")
        messages = [(corpus / f"{i:05d}.eml").read_bytes() for i in range(len(sizes))]
        rng = imap_large_mailbox.random.Random(11)
        imap_count = args.imap_messages if {"imap-large", "imap-sync"} & set(only) else 0
        imap_messages = [imap_large_mailbox.make_message(i, rng) for i in range(imap_count)]
        imap_mbox = work / "imap.mbox"
        imap_mbox.write_bytes(b"".join(mboxrd(message) for message in imap_messages))

        mix_users = [MIX_USER_PATTERN.format(n=n) for n in range(1, args.mix_clients + 1)] if "imap-mix" in only else []
        latency_users = ([LATENCY_USER_PATTERN.format(n=n) for n in range(1, args.connections + 1)]
                         if "delivery-latency" in only else [])
        extra_users = mix_users + latency_users
        mix_messages = messages[:args.mix_messages]
        facteur = Facteur(args.facteur, work / "facteur")
        for user in LOAD_USERS + [POP_USER, IMAP_USER, IDLE_USER] + extra_users:
            facteur.add_user(user)
        start = time.monotonic()
        facteur.cli("import", POP_USER, "--format", "mbox", str(corpus / "corpus.mbox"))
        log(f"facteur import --format mbox: {len(sizes)} messages in {time.monotonic() - start:.2f}s")
        start = time.monotonic()
        if imap_messages:
            facteur.cli("import", IMAP_USER, "--format", "mbox", str(imap_mbox))
        facteur.cli("import", IDLE_USER, "--format", "mbox", str(corpus / "corpus.mbox"))
        log(f"facteur import --format mbox: {len(imap_messages)} + {len(sizes)} messages for IMAP in "
            f"{time.monotonic() - start:.2f}s")
        if mix_users:
            start = time.monotonic()
            mix_mbox = work / "mix.mbox"
            mix_mbox.write_bytes(b"".join(mboxrd(message) for message in mix_messages))
            for user in mix_users:
                facteur.cli("import", user, "--format", "mbox", str(mix_mbox))
            log(f"facteur import --format mbox: {len(mix_users)} x {len(mix_messages)} messages for imap-mix in "
                f"{time.monotonic() - start:.2f}s")
        facteur.start()
        facteur.cpu = CPUAccount("facteur")
        facteur.cpu.add_tree(facteur.process.pid)
        log(f"facteur up: {facteur.ports}")

        if shutil.which("dovecot") is None:
            skip["dovecot"] = "skipped: dovecot not installed"
        else:
            try:
                dovecot = Dovecot(work / "dovecot", LOAD_USERS + [POP_USER, IMAP_USER, IDLE_USER] + extra_users,
                                  imap=True, hibernate=True, password_hash=facteur.password_hash(POP_USER))
                # Unseen, as `facteur import` leaves them: with \Seen on one side only, imap-mix's
                # STORE +FLAGS (\Seen) changed nothing on Dovecot (no write, no fsync) while it was a
                # write on Facteur, and SEARCH UNSEEN found nothing on Dovecot (issue 8, session 10).
                for user in mix_users:
                    dovecot.write_maildir(user, mix_messages, seen=False)
                dovecot.write_maildir(POP_USER, messages)
                dovecot.write_maildir(IMAP_USER, imap_messages)
                dovecot.write_maildir(IDLE_USER, messages)
                dovecot.start()
                dovecot.cpu = CPUAccount("dovecot")
                dovecot.cpu.add_tree(dovecot.process.pid)
                log(f"dovecot up: pop3 {dovecot.pop3_port}, lmtp {dovecot.lmtp_port}")
            except Exception as error:
                skip["dovecot"] = f"skipped: dovecot did not start ({str(error)[:200]})"
                dovecot = None
        if dovecot is None:
            skip["postfix"] = skip["dovecot"] + " (Postfix delivers to it)"
        elif shutil.which("postfix") is None:
            skip["postfix"] = "skipped: postfix not installed"
        else:
            try:
                postfix = Postfix(work / "postfix", LOAD_USERS + latency_users, dovecot.lmtp_port)
                postfix.start()
                log(f"postfix up: smtpd {postfix.smtp_port} -> dovecot lmtp {dovecot.lmtp_port}")
            except Exception as error:
                skip["postfix"] = f"skipped: postfix did not start ({str(error)[:200]})"
                postfix = None
        for name, reason in skip.items():
            log(f"{name}: {reason}")

        if "smtp" in only:
            rows += scenario_smtp(facteur, postfix, dovecot, skip, args)
        if "lmtp" in only:
            rows += scenario_lmtp(facteur, dovecot, skip, args)
        if "delivery-latency" in only:
            rows += scenario_latency(facteur, postfix, dovecot, skip, args)
        stored = stored_count(facteur.ports["pop3"])
        check = (f"check: Facteur's mailboxes hold {stored} of the {sum(FACTEUR_ACCEPTED)} messages it accepted "
                 f"(POP3 STAT)")
        peer_ok = True
        if dovecot is not None:
            in_maildirs = dovecot.count_delivered(LOAD_USERS)
            peer_ok = in_maildirs == sum(DOVECOT_EXPECTED)
            check += (f"; Dovecot's Maildirs hold {in_maildirs} of the {sum(DOVECOT_EXPECTED)} messages Postfix "
                      f"and Dovecot accepted")
        log(check)
        if "pop3" in only:
            rows += scenario_pop3(facteur, dovecot, skip, corpus, len(sizes), args)
        if "imap-large" in only:
            rows += scenario_imap_large(facteur, dovecot, skip, len(imap_messages), args)
        if "imap-sync" in only:
            rows += scenario_imap_sync(facteur, dovecot, skip, len(imap_messages), args)
        if "imap-mix" in only:
            rows += scenario_imap_mix(facteur, dovecot, skip, args)
        if "imap-idle" in only:
            rows += scenario_imap_idle(facteur, dovecot, skip, args)
        if rows and (stored != sum(FACTEUR_ACCEPTED) or not peer_ok):
            rows[0].note = "MISMATCH: " + check
    finally:
        for server in (postfix, dovecot, facteur):
            if server is not None:
                try:
                    stop_start = time.monotonic()
                    server.stop()
                    log(f"stopped {type(server).__name__} in {time.monotonic() - stop_start:.1f}s")
                except Exception as error:
                    log(f"stopping {type(server).__name__}: {error}")
                if getattr(server, "cpu", None) is not None:
                    server.cpu.close()

    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    notes = [f"- {row.scenario}: {row.note}" for row in rows if row.note]
    section = (f"## Run {date}\n\n"
               f"- machine: {machine_line}\n- versions: {versions(args.facteur)}\n"
               f"- command: `{args.command}`\n"
               f"- load: {args.messages} messages x {args.size} B, {args.connections} connections, 5 users, "
               f"{args.rounds} alternating rounds (median); pop3: {args.pop3_messages} messages, "
               f"median of {args.pop3_runs} runs; total wall time {time.monotonic() - started:.0f} s\n"
               + ("".join(n + "\n" for n in notes)) + "\n" + table(rows) + "\n")
    print("\n" + section)
    if not args.no_results:
        write_results(section)
        log(f"written to {HERE / 'RESULTS.md'}")
    if args.keep:
        log(f"kept {work} (server logs, configs, data)")
    else:
        log(f"removing {work}")  # slow on a disk mounted with 'discard': tens of thousands of files
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
