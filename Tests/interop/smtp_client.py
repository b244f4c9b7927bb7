"""A minimal raw SMTP client for the cases smtplib refuses to produce (pipelining, garbage,
per-recipient LMTP replies)."""
import socket


class RawSMTP:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed; pending {self.buffer!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def reply(self) -> tuple[int, list[str]]:
        """One (possibly multi-line) reply: (code, lines)."""
        lines = []
        while True:
            line = self.line().decode("utf-8", "replace")
            lines.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), lines

    def command(self, text: str) -> tuple[int, list[str]]:
        self.send(text.encode() + b"\r\n")
        return self.reply()

    def closed(self, timeout: float = 10.0) -> bool:
        """True when the server closes the connection within `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except (socket.timeout, TimeoutError):
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()
