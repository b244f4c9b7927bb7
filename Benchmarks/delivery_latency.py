#!/usr/bin/env python3
"""delivery-latency: how long after the SMTP server's 250 a connected IMAP client in IDLE hears
`* n EXISTS` for the new message. For Facteur that is its own SMTP listener; for the peer it is
Postfix accepting, queueing and handing the message to Dovecot over LMTP, and Dovecot's IDLE.

One recipient per sender: each recipient has one IMAP connection in IDLE on INBOX, and its sender
sends its messages one after another, so the k-th 250 to that recipient belongs to the k-th new
message, whose arrival is the first EXISTS reaching the INBOX's count before the load plus k
(an EXISTS that covers several messages counts for each). Latency = that EXISTS's arrival minus the
250's (0 when the EXISTS came first). Run with 1 sender (low load) and with as many senders as
smtp-accept uses (load). Bounded: --messages per sender, --max-seconds overall.

    python3 Benchmarks/delivery_latency.py --smtp-port 2525 --imap-port 1143 --password secret \\
        --rcpt lat1@example.test --rcpt lat2@example.test --messages 50 --json
"""
import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imap_async import EXISTS, AsyncIMAP, percentile  # noqa: E402
from smtp_load import make_message, read_reply  # noqa: E402


class Watcher:
    """One IDLE connection: records (count, arrival time) for every EXISTS."""

    def __init__(self, client: AsyncIMAP, base: int):
        self.client, self.base = client, base
        self.events: list[tuple[int, float]] = []
        self.highest = base
        self.changed = asyncio.Event()

    async def listen(self):
        try:
            while True:
                line = await self.client.line()
                now = time.monotonic()
                match = EXISTS.match(line)
                if match:
                    count = int(match.group(1))
                    self.events.append((count, now))
                    self.highest = max(self.highest, count)
                    self.changed.set()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return

    def arrival(self, count: int) -> float | None:
        for seen, when in self.events:
            if seen >= count:
                return when
        return None


async def open_watcher(args, user: str) -> Watcher:
    client = await AsyncIMAP.connect(args.host, args.imap_port)
    await client.login(user, args.password)
    base = await client.select("INBOX")
    await client.idle_start()
    return Watcher(client, base)


async def sender(args, user: str, watcher: Watcher, accepted: list, failures: list, deadline: float, seed: int):
    reader, writer = await asyncio.open_connection(args.host, args.smtp_port)
    rng = random.Random(seed)
    await read_reply(reader)
    writer.write(b"EHLO bench.test\r\n")
    await read_reply(reader)
    announced = 0  # messages of this sender accepted so far: the k-th is EXISTS base + k
    for index in range(args.messages):
        if time.monotonic() > deadline:
            break
        writer.write(f"MAIL FROM:<latency@bench.test>\r\nRCPT TO:<{user}>\r\nDATA\r\n".encode())
        codes = [await read_reply(reader) for _ in range(3)]
        if codes[-1] != 354:
            failures.append(codes)
            writer.write(b"RSET\r\n")
            await read_reply(reader)
            continue
        writer.write(make_message(index, args.size, rng) + b".\r\n")
        code = await read_reply(reader)
        now = time.monotonic()
        if code != 250:
            failures.append([code])
            continue
        announced += 1
        accepted.append((watcher, watcher.base + announced, now))
        if args.pause:
            await asyncio.sleep(args.pause)
    writer.write(b"QUIT\r\n")
    try:
        await asyncio.wait_for(read_reply(reader), 5)
    except Exception:
        pass
    writer.close()


async def run_async(args) -> dict:
    watchers = [await open_watcher(args, user) for user in args.rcpt]
    listeners = [asyncio.create_task(w.listen()) for w in watchers]
    accepted: list = []
    failures: list = []
    deadline = time.monotonic() + args.max_seconds
    start = time.monotonic()
    await asyncio.gather(*(sender(args, user, watcher, accepted, failures, deadline, n)
                           for n, (user, watcher) in enumerate(zip(args.rcpt, watchers))))
    sent_seconds = time.monotonic() - start
    # Wait (bounded) until every accepted message was announced.
    wait_until = time.monotonic() + args.settle_seconds
    for watcher in watchers:
        target = watcher.base + sum(1 for a in accepted if a[0] is watcher)
        while watcher.highest < target and time.monotonic() < wait_until:
            watcher.changed.clear()
            try:
                await asyncio.wait_for(watcher.changed.wait(), max(0.01, wait_until - time.monotonic()))
            except asyncio.TimeoutError:
                break
    latencies, missing = [], 0
    for watcher, count, accepted_at in accepted:
        arrival = watcher.arrival(count)
        if arrival is None:
            missing += 1
        else:
            latencies.append(max(0.0, arrival - accepted_at))
    for task in listeners:
        task.cancel()
    for watcher in watchers:
        await watcher.client.close()
    return {"senders": len(args.rcpt), "accepted": len(accepted), "failed": len(failures), "missing": missing,
            "seconds": sent_seconds,
            "p50_ms": percentile(latencies, 0.5) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
            "max_ms": max(latencies) * 1000 if latencies else float("nan"),
            # Announced before the sender read its 250: the server pushes EXISTS at the commit
            # that precedes the 250, and the IDLE client may simply be scheduled first.
            "exists_first": sum(1 for latency in latencies if latency == 0.0),
            "mean_ms": statistics.mean(latencies) * 1000 if latencies else float("nan")}


def run(host: str, smtp_port: int, imap_port: int, users: list[str], password: str, messages: int,
        size: int = 10240, pause: float = 0.0, max_seconds: float = 120, settle_seconds: float = 30) -> dict:
    """As a module: one level (len(users) senders in parallel); returns the JSON dict."""
    args = argparse.Namespace(host=host, smtp_port=smtp_port, imap_port=imap_port, rcpt=users, password=password,
                              messages=messages, size=size, pause=pause, max_seconds=max_seconds,
                              settle_seconds=settle_seconds)
    return asyncio.run(run_async(args))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--imap-port", type=int, required=True)
    parser.add_argument("--rcpt", action="append", required=True, help="one per sender, each with its IDLE client")
    parser.add_argument("--password", required=True)
    parser.add_argument("--messages", type=int, default=50, help="per sender")
    parser.add_argument("--size", type=int, default=10240)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between a sender's messages")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--settle-seconds", type=float, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run_async(args))
    print(json.dumps(result) if args.json else
          f"{result['senders']} senders: {result['accepted']} accepted, {result['missing']} never announced; "
          f"250-to-EXISTS p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")


if __name__ == "__main__":
    main()
