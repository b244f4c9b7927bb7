"""A small asyncio IMAP client for the benchmarks (imap-mix, delivery-latency): plain or implicit
TLS, LOGIN, tagged commands whose untagged lines and literals are read whole, synchronizing
literals for APPEND, IDLE. It parses only what the scenarios need, so it costs little and the
same for every server."""
import asyncio
import re
import ssl

LITERAL_AT_END = re.compile(rb"\{(\d+)\+?\}\r\n$")
EXISTS = re.compile(rb"^\* (\d+) EXISTS")
MAX_LITERAL = 64 << 20  # a benchmark client still bounds what it buffers


class IMAPError(RuntimeError):
    pass


class AsyncIMAP:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.counter = 0
        self.received = 0

    @classmethod
    async def connect(cls, host: str, port: int, tls: bool = False) -> "AsyncIMAP":
        context = None
        if tls:
            # Both servers use throw-away self-signed certificates on loopback.
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        reader, writer = await asyncio.open_connection(host, port, ssl=context, limit=1 << 20)
        client = cls(reader, writer)
        greeting = await client.line()
        if not greeting.startswith(b"* OK"):
            raise IMAPError(f"greeting {greeting[:100]!r}")
        return client

    async def line(self) -> bytes:
        """One response line with any literals it carries folded in (as bytes, unparsed)."""
        line = await self.reader.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        while True:
            match = LITERAL_AT_END.search(line)
            if not match:
                self.received += len(line)
                return line
            size = int(match.group(1))
            if size > MAX_LITERAL:
                raise IMAPError(f"literal of {size} octets")
            literal = await self.reader.readexactly(size)
            rest = await self.reader.readline()
            if not rest:
                raise ConnectionError("server closed the connection")
            line = line + literal + rest

    def tag(self) -> str:
        self.counter += 1
        return f"a{self.counter}"

    async def command(self, text: str, expect_ok: bool = True) -> tuple[bytes, list[bytes]]:
        """Sends one command, returns (tagged line, untagged lines)."""
        tag = self.tag()
        self.writer.write(f"{tag} {text}\r\n".encode())
        return await self.finish(tag, text, expect_ok)

    async def finish(self, tag: str, text: str, expect_ok: bool = True) -> tuple[bytes, list[bytes]]:
        prefix = tag.encode() + b" "
        untagged = []
        while True:
            line = await self.line()
            if line.startswith(prefix):
                if expect_ok and not line[len(prefix):].startswith(b"OK"):
                    raise IMAPError(f"{text.split(' ')[0]}: {line[:200]!r}")
                return line, untagged
            untagged.append(line)

    async def login(self, user: str, password: str):
        await self.command(f'LOGIN "{user}" "{password}"')

    async def select(self, mailbox: str = "INBOX") -> int:
        _, untagged = await self.command(f'SELECT "{mailbox}"')
        return exists_in(untagged, 0)

    async def append(self, mailbox: str, message: bytes, flags: str = "") -> tuple[bytes, list[bytes]]:
        """APPEND with a synchronizing literal (every server supports it); returns (tagged line,
        untagged lines)."""
        tag = self.tag()
        flag_text = f"({flags}) " if flags else ""
        self.writer.write(f'{tag} APPEND "{mailbox}" {flag_text}{{{len(message)}}}\r\n'.encode())
        while True:
            line = await self.line()
            if line.startswith(b"+"):
                break
            if line.startswith(tag.encode() + b" "):
                raise IMAPError(f"APPEND refused: {line[:200]!r}")
        self.writer.write(message + b"\r\n")
        return await self.finish(tag, "APPEND")

    async def idle_start(self) -> str:
        tag = self.tag()
        self.writer.write(f"{tag} IDLE\r\n".encode())
        while True:
            line = await self.line()
            if line.startswith(b"+"):
                return tag
            if line.startswith(tag.encode() + b" "):
                raise IMAPError(f"IDLE refused: {line[:200]!r}")

    async def idle_done(self, tag: str):
        self.writer.write(b"DONE\r\n")
        await self.finish(tag, "IDLE")

    async def close(self):
        try:
            self.writer.write(b"z LOGOUT\r\n")
            await asyncio.wait_for(self.writer.drain(), 2)
        except Exception:
            pass
        self.writer.close()
        try:
            await asyncio.wait_for(self.writer.wait_closed(), 2)
        except Exception:
            pass


def exists_in(lines: list[bytes], default: int) -> int:
    count = default
    for line in lines:
        match = EXISTS.match(line)
        if match:
            count = int(match.group(1))
    return count


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
