#!/usr/bin/env python3
"""smtp-accept: N connections deliver M messages of a given size to U users over SMTP or LMTP
and report messages/s and the p50/p99 (then p90 and max) of DATA-to-final-reply (the time from the end of the
message data to the server's 250, which is when the message is durably stored).

Bounded in count and time, loopback only. Works against any SMTP/LMTP server, so the same run can
measure Facteur and a peer (Postfix, Dovecot LMTP).

    python3 Benchmarks/smtp_load.py --port 2525 --messages 2000 --connections 20 --size 10240 \
        --rcpt alice@example.test
"""
import argparse
import asyncio
import random
import statistics
import time


async def read_reply(reader: asyncio.StreamReader) -> int:
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3])


def make_message(index: int, size: int, rng: random.Random) -> bytes:
    header = (f"From: <load@bench.test>\r\nTo: <rcpt@bench.test>\r\nSubject: load {index}\r\n"
              f"Message-ID: <{index}.{rng.random()}@bench.test>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\n")
    line = b"x" * 76 + b"\r\n"
    body = line * max(1, (size - len(header)) // len(line))
    return header.encode() + body


async def worker(args, queue: asyncio.Queue, latencies: list, failures: list, deadline: float):
    reader, writer = await asyncio.open_connection(args.host, args.port)
    greeting = "LHLO" if args.lmtp else "EHLO"
    rng = random.Random(args.seed)
    await read_reply(reader)
    writer.write(f"{greeting} bench.test\r\n".encode())
    await read_reply(reader)
    while time.monotonic() < deadline:
        try:
            index = queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        recipients = [args.rcpt[index % len(args.rcpt)]]
        # PIPELINING (RFC 2920): MAIL, RCPT and DATA in one write.
        writer.write(b"MAIL FROM:<load@bench.test>\r\n" + b"".join(f"RCPT TO:<{r}>\r\n".encode() for r in recipients) + b"DATA\r\n")
        codes = [await read_reply(reader) for _ in range(len(recipients) + 2)]
        if codes[-1] != 354:
            failures.append(codes)
            writer.write(b"RSET\r\n")
            await read_reply(reader)
            continue
        writer.write(make_message(index, args.size, rng) + b".\r\n")
        await writer.drain()
        start = time.monotonic()
        replies = [await read_reply(reader) for _ in range(len(recipients) if args.lmtp else 1)]
        latencies.append(time.monotonic() - start)
        if any(code != 250 for code in replies):
            failures.append(replies)
    writer.write(b"QUIT\r\n")
    try:
        await asyncio.wait_for(read_reply(reader), 5)
    except Exception:
        pass
    writer.close()


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lmtp", action="store_true")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--size", type=int, default=10240)
    parser.add_argument("--rcpt", action="append", required=True)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="facteur")
    args = parser.parse_args()

    queue: asyncio.Queue = asyncio.Queue()
    for index in range(args.messages):
        queue.put_nowait(index)
    latencies, failures = [], []
    deadline = time.monotonic() + args.max_seconds
    start = time.monotonic()
    await asyncio.gather(*(worker(args, queue, latencies, failures, deadline) for _ in range(args.connections)))
    elapsed = time.monotonic() - start
    accepted = len(latencies) - len(failures)
    print(f"{args.label}: {accepted} accepted, {len(failures)} failed in {elapsed:.2f}s = "
          f"{accepted / elapsed:.0f} msg/s; DATA-to-250 p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, mean {statistics.mean(latencies or [0]) * 1000:.1f} ms "
          f"(p90 {percentile(latencies, 0.9) * 1000:.1f} ms, max {max(latencies or [float('nan')]) * 1000:.1f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
