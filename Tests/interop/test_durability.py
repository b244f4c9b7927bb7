"""A 250 means the message is on disk: SIGKILL while ten clients deliver, restart, and every
acknowledged message is there exactly once."""
import signal
import smtplib
import threading
import time

from conftest import Facteur, message


def test_sigkill_during_load_loses_no_acknowledged_message(workdir):
    server = Facteur(workdir)
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="pw\n")
    server.start()
    port = server.ports["smtp"]
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(worker: int):
        sequence = 0
        deadline = time.time() + 30
        while not stop.is_set() and time.time() < deadline and sequence < 2000:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                    while not stop.is_set() and sequence < 2000:
                        subject = f"w{worker}-m{sequence}"
                        smtp.sendmail("s@remote.test", ["alice@example.test"], message(subject))
                        with lock:
                            acknowledged.append(subject)
                        sequence += 1
            except (smtplib.SMTPException, OSError):
                return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    server.stop(sig=signal.SIGKILL)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) > 50, "the load never got going"

    server.start()
    try:
        mbox = server.cli("export", "alice@example.test").stdout
        subjects = [line[len("Subject: "):] for line in mbox.splitlines() if line.startswith("Subject: ")]
        counts = {}
        for subject in subjects:
            counts[subject] = counts.get(subject, 0) + 1
        missing = [s for s in acknowledged if s not in counts]
        duplicated = [s for s, n in counts.items() if n > 1]
        assert missing == [], f"{len(missing)} acknowledged messages lost"
        assert duplicated == []
    finally:
        server.stop()


def test_sigterm_shuts_down_cleanly(facteur):
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("s@remote.test", ["alice@example.test"], message("Before stop"))
    assert facteur.stop() == 0
    assert "Before stop" in facteur.cli("export", "alice@example.test").stdout
