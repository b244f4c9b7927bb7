"""A TCP relay on 127.0.0.1 that counts the bytes each way, so a test can say how much a sync
client and a server exchanged (what the client's own logs do not tell)."""
import socket
import threading


class ByteCountingProxy:
    """Listens on 127.0.0.1:`port` (chosen by the kernel) and relays every connection to
    `target_port`. `take()` returns (client-to-server, server-to-client) bytes since the last take."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.upstream = 0
        self.downstream = 0
        self.connections = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=30)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool):
        try:
            while True:
                chunk = source.recv(1 << 16)
                if not chunk:
                    break
                with self.lock:
                    if upstream:
                        self.upstream += len(chunk)
                    else:
                        self.downstream += len(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for side in (source, sink):
                try:
                    side.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def take(self) -> tuple[int, int]:
        with self.lock:
            counts = (self.upstream, self.downstream)
            self.upstream = self.downstream = 0
            return counts

    def close(self):
        self.closed = True
        self.listener.close()
