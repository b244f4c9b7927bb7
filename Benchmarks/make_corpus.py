#!/usr/bin/env python3
"""Writes a seeded, reproducible corpus of realistic messages for the benchmarks: the same bytes go
to every server under test.

Sizes run from 2 KB to 5 MB, mostly small (80 % 2-16 KB, 15 % 16-256 KB, 4 % 256 KB-1 MB,
1 % 1-5 MB); about half are multipart (text + HTML alternative, base64 attachments of random
bytes, so nothing compresses), headers carry RFC 2047 encoded words in UTF-8 and ISO-8859-1, and
some bodies hold lines starting with "From " (mbox quoting) and "." (POP3 dot-stuffing).

Output in OUT/: NNNNN.eml (each message, CRLF line ends, as a server stores it), corpus.mbox
(mboxrd, LF line ends, for `facteur import --format mbox`) and sizes.txt (one size a line).

    python3 Benchmarks/make_corpus.py --count 1000 --seed 7 --out /tmp/corpus
"""
import argparse
import base64
import random
from email.header import Header
from pathlib import Path

NAMES = ["Zoë Müller", "François Dupré", "Łukasz Żółw", "Ana Núñez", "Jürgen Groß", "Søren Ærø",
         "Alice Martin", "Bob Smith", "山田 太郎", "Ελένη Παπαδοπούλου"]
SUBJECTS = ["Réunion de l'équipe — ordre du jour", "Rechnung für März (Überfällig)", "Quarterly numbers",
            "Ünïcödé test: naïve café", "RE: déplacement à Zürich", "会议记录", "Καλημέρα", "Invoice 2026-11",
            "Fwd: photos from the weekend", "Re: build broke again"]
WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at which "
         "but have an they you were her she there been one all we their has would when if so no will "
         "courrier message serveur facteur Grüße naïve façade élève").split()


def pick_size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.80:
        return rng.randint(2_000, 16_000)
    if roll < 0.95:
        return rng.randint(16_000, 256_000)
    if roll < 0.99:
        return rng.randint(256_000, 1_000_000)
    return rng.randint(1_000_000, 5_000_000)


def encoded(text: str, charset: str) -> str:
    """RFC 2047 encoded words for non-ASCII text; plain ASCII stays as it is."""
    if text.isascii():
        return text
    try:
        return Header(text, charset).encode()
    except UnicodeEncodeError:
        return Header(text, "utf-8").encode()


def address(rng: random.Random, domain: str) -> str:
    name = rng.choice(NAMES)
    local = "".join(c for c in name.lower() if c.isascii() and c.isalpha()) or "user"
    return f"{encoded(name, rng.choice(['utf-8', 'iso-8859-1']))} <{local}{rng.randint(1, 99)}@{domain}>"


def prose(rng: random.Random, length: int) -> str:
    lines, line, total = [], [], 0
    while total < length:
        word = rng.choice(WORDS)
        line.append(word)
        total += len(word) + 1
        if sum(len(w) + 1 for w in line) > 66:
            roll = rng.random()
            prefix = "From " if roll < 0.02 else "." if roll < 0.04 else ""
            lines.append(prefix + " ".join(line))
            line = []
    if line:
        lines.append(" ".join(line))
    return "\r\n".join(lines) + "\r\n"


def base64_lines(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + "\r\n"


def make_message(index: int, rng: random.Random) -> bytes:
    target = pick_size(rng)
    day = 1 + index % 28
    headers = [
        f"Return-Path: <sender{index}@remote.example>",
        f"Received: from mx{index % 7}.remote.example (mx{index % 7}.remote.example [192.0.2.{index % 250 + 1}])\r\n"
        f"\tby mx.example.test with ESMTPS id {index:08X}; Sun, {day} Nov 2026 10:{index % 60:02d}:00 +0000",
        f"From: {address(rng, 'remote.example')}",
        f"To: {address(rng, 'example.test')}",
        f"Subject: {encoded(rng.choice(SUBJECTS) + f' #{index}', rng.choice(['utf-8', 'iso-8859-1']))}",
        f"Date: Sun, {day} Nov 2026 10:{index % 60:02d}:00 +0000",
        f"Message-ID: <{index}.{rng.getrandbits(48):x}@remote.example>",
        "MIME-Version: 1.0",
    ]
    multipart = target > 40_000 or rng.random() < 0.5
    if not multipart:
        headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
        head = "\r\n".join(headers) + "\r\n\r\n"
        body = prose(rng, max(200, target - len(head.encode())))
        return (head + body).encode()
    boundary = f"=_bench_{index}_{rng.getrandbits(32):x}"
    headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    inner = f"=_alt_{index}_{rng.getrandbits(32):x}"
    text = prose(rng, rng.randint(600, 3000))
    html = "<html><body><p>" + text.replace("\r\n", "</p>\r\n<p>") + "</p></body></html>\r\n"
    parts = [
        f"--{boundary}\r\nContent-Type: multipart/alternative; boundary=\"{inner}\"\r\n\r\n"
        f"--{inner}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}"
        f"--{inner}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{html}"
        f"--{inner}--\r\n"
    ]
    used = len("\r\n".join(headers)) + sum(len(p) for p in parts) + 200
    remaining = max(0, target - used)
    attachments = 1 if remaining < 100_000 else rng.randint(1, 3)
    for n in range(attachments):
        raw = (remaining // attachments) * 3 // 4
        if raw <= 0:
            break
        filename = encoded(f"pièce jointe {n} — {index}.bin", "utf-8")
        parts.append(
            f"--{boundary}\r\nContent-Type: application/octet-stream; name=\"{filename}\"\r\n"
            f"Content-Disposition: attachment; filename=\"{filename}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64_lines(rng.randbytes(raw)))
    body = "This is a multi-part message in MIME format.\r\n\r\n" + "".join(parts) + f"--{boundary}--\r\n"
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def mboxrd(message: bytes) -> bytes:
    """The message as an mboxrd entry: LF line ends, ^>*From  lines gain one '>'."""
    out = [b"From sender@remote.example Sun Nov 29 10:00:00 2026\n"]
    for line in message.split(b"\r\n"):
        if line.lstrip(b">").startswith(b"From "):
            line = b">" + line
        out.append(line + b"\n")
    if out[-1] == b"\n":
        out.pop()  # the message's own final CRLF made an empty last element
    out.append(b"\n")
    return b"".join(out)


def write_corpus(out: Path, count: int, seed: int) -> list[int]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sizes = []
    with open(out / "corpus.mbox", "wb") as mbox:
        for index in range(count):
            message = make_message(index, rng)
            (out / f"{index:05d}.eml").write_bytes(message)
            mbox.write(mboxrd(message))
            sizes.append(len(message))
    (out / "sizes.txt").write_text("".join(f"{s}\n" for s in sizes))
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sizes = write_corpus(args.out, args.count, args.seed)
    print(f"corpus: {len(sizes)} messages, {sum(sizes) / 1e6:.1f} MB, smallest {min(sizes)} B, "
          f"largest {max(sizes)} B, median {sorted(sizes)[len(sizes) // 2]} B -> {args.out}")


if __name__ == "__main__":
    main()
