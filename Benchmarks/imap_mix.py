#!/usr/bin/env python3
"""imap-mix: C clients, each logged in to its own account (INBOX pre-loaded with a few hundred
corpus messages), each running the same bounded loop of what a mail client does:

    SELECT INBOX; FETCH the last 50 (BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)]
    FLAGS); FETCH one of them whole (BODY.PEEK[]); STORE +FLAGS (\\Seen) on it; SEARCH UNSEEN;
    SEARCH FROM "<name>"; APPEND a 3 KB message; UID STORE +FLAGS.SILENT (\\Deleted) on it and
    EXPUNGE (the mailbox keeps its size); a short IDLE (IDLE, continuation, DONE).

Reports operations/s over all clients and p50/p99 per command. Plain or implicit TLS (--tls).
Bounded: --seconds of wall time and --max-loops per client. One asyncio loop, one command at a
time per connection; the choices (which message to open, which name to search) are seeded per
client, so every server gets the same sequence.

    python3 Benchmarks/imap_mix.py --port 1143 --user mix{n}@example.test --password secret --clients 20 --json
"""
import argparse
import asyncio
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imap_async import AsyncIMAP, exists_in, percentile  # noqa: E402

APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")
SEARCH_NAMES = ["alicemartin", "bobsmith", "anan", "jrgengro"]
HEADER_FIELDS = "BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)] FLAGS"
COMMANDS = ["SELECT", "FETCH headers", "FETCH body", "STORE", "SEARCH UNSEEN", "SEARCH FROM", "APPEND",
            "EXPUNGE", "IDLE"]


def appended_message(client: int, loop: int) -> bytes:
    body = ("Notes from the bench client, line after line of plain text.\r\n" * 48)
    return (f"From: Bench <bench{client}@example.test>\r\nTo: <mix@example.test>\r\n"
            f"Subject: draft {client}-{loop}\r\nDate: Mon, 30 Nov 2026 06:00:00 +0000\r\n"
            f"Message-ID: <draft.{client}.{loop}@bench.test>\r\n\r\n{body}").encode()


async def client_loop(args, number: int, user: str, timings: dict, deadline: float, errors: list):
    rng = random.Random(1000 + number)
    try:
        client = await AsyncIMAP.connect(args.host, args.port, args.tls)
        await client.login(user, args.password)
    except Exception as error:
        errors.append(f"{user}: login: {error}")
        return

    async def timed(name: str, operation):
        start = time.perf_counter()
        result = await operation
        timings[name].append(time.perf_counter() - start)
        return result

    try:
        for loop in range(args.max_loops):
            if time.monotonic() > deadline:
                break
            _, untagged = await timed("SELECT", client.command('SELECT "INBOX"'))
            exists = exists_in(untagged, 0)
            if exists == 0:
                raise RuntimeError("empty INBOX")
            first = max(1, exists - 49)
            await timed("FETCH headers", client.command(f"FETCH {first}:{exists} ({HEADER_FIELDS})"))
            chosen = rng.randint(first, exists)
            await timed("FETCH body", client.command(f"FETCH {chosen} BODY.PEEK[]"))
            await timed("STORE", client.command(f"STORE {chosen} +FLAGS (\\Seen)"))
            await timed("SEARCH UNSEEN", client.command("SEARCH UNSEEN"))
            await timed("SEARCH FROM", client.command(f'SEARCH FROM "{rng.choice(SEARCH_NAMES)}"'))
            tagged, untagged = await timed("APPEND", client.append("INBOX", appended_message(number, loop)))
            match = APPENDUID.search(tagged)
            if match and exists_in(untagged, 0) == 0:
                # RFC 9051 §6.3.12: a server SHOULD announce the new message with EXISTS; when it
                # did not, the client MAY send NOOP, and must, to act on the message in this session.
                await client.command("NOOP")
            if match:
                await client.command(f"UID STORE {int(match.group(1))} +FLAGS.SILENT (\\Deleted)")
                await timed("EXPUNGE", client.command("EXPUNGE"))
            tag = await timed("IDLE", client.idle_start())
            await timed("IDLE", client.idle_done(tag))
    except Exception as error:
        errors.append(f"{user}: {type(error).__name__}: {str(error)[:200]}")
    await client.close()


async def run_async(args) -> dict:
    timings = {name: [] for name in COMMANDS}
    errors: list = []
    users = [args.user.format(n=n) for n in range(1, args.clients + 1)]
    start, client_cpu = time.monotonic(), time.process_time()
    deadline = start + args.seconds
    await asyncio.gather(*(client_loop(args, n, user, timings, deadline, errors) for n, user in enumerate(users)))
    elapsed, client_cpu = time.monotonic() - start, time.process_time() - client_cpu
    # The IDLE pair (start and DONE) is one operation.
    timings["IDLE"] = [a + b for a, b in zip(timings["IDLE"][0::2], timings["IDLE"][1::2])]
    operations = sum(len(values) for values in timings.values())
    return {"clients": len(users), "tls": args.tls, "seconds": elapsed, "operations": operations,
            "ops_per_s": operations / elapsed if elapsed > 0 else 0.0, "errors": errors,
            # The client shares the machine with the server: its own CPU bounds what ops/s can show.
            "client_cpu_ms_per_op": client_cpu * 1000 / operations if operations else 0.0,
            "commands": {name: {"count": len(values), "p50_ms": percentile(values, 0.5) * 1000,
                                "p99_ms": percentile(values, 0.99) * 1000} for name, values in timings.items()}}


def run(host: str, port: int, user_pattern: str, password: str, clients: int, seconds: float, tls: bool = False,
        max_loops: int = 10_000) -> dict:
    """As a module: one run; returns the JSON dict."""
    args = argparse.Namespace(host=host, port=port, user=user_pattern, password=password, clients=clients,
                              seconds=seconds, tls=tls, max_loops=max_loops)
    return asyncio.run(run_async(args))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls", action="store_true", help="implicit TLS (IMAPS port)")
    parser.add_argument("--user", required=True, help="pattern with {n} = 1..clients, e.g. mix{n}@example.test")
    parser.add_argument("--password", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--max-loops", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run_async(args))
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['clients']} clients{' over TLS' if args.tls else ''}: {result['operations']} operations in "
          f"{result['seconds']:.1f}s = {result['ops_per_s']:.0f} ops/s; errors: {len(result['errors'])}")
    for name, figures in result["commands"].items():
        print(f"  {name:14} {figures['count']:6} p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms")
    for error in result["errors"][:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
