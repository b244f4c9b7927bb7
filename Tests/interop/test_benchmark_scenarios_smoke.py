"""The imap-mix and delivery-latency benchmarks (Benchmarks/imap_mix.py, delivery_latency.py) on a
tiny load, so a broken scenario or a server answer it cannot read shows up here and not in the
middle of a comparison run."""
import imaplib
import sys

import pytest

from conftest import message
from imap_support import ALICE, BOB, IS_FACTEUR, PASSWORD, ROOT, imap_peer  # noqa: F401 (fixture)

sys.path.append(str(ROOT / "Benchmarks"))
import delivery_latency  # noqa: E402
import imap_mix  # noqa: E402


def test_imap_mix_runs_every_command(imap_peer):
    for index in range(60):
        imap_peer.deliver(message(subject=f"mix {index}", sender=f"bobsmith{index}@remote.test"))
    result = imap_mix.run(imap_peer.host, imap_peer.imap_port, ALICE, PASSWORD, clients=1, seconds=30, max_loops=3)
    assert result["errors"] == []
    for name in imap_mix.COMMANDS:
        assert result["commands"][name]["count"] == 3, name
    tls = imap_mix.run(imap_peer.host, imap_peer.imaps_port, ALICE, PASSWORD, clients=1, seconds=30, max_loops=1,
                       tls=True)
    assert tls["errors"] == [] and tls["operations"] == len(imap_mix.COMMANDS)
    # Each loop expunged the message it appended: the mailbox kept its size for the next loop.
    client = imaplib.IMAP4(imap_peer.host, imap_peer.imap_port)
    client.login(ALICE, PASSWORD)
    status, data = client.select("INBOX", readonly=True)
    client.logout()
    assert status == "OK" and int(data[0]) == 60


@pytest.mark.skipif(not IS_FACTEUR, reason="needs an SMTP listener delivering to the IMAP server (Facteur's own)")
def test_delivery_latency_sees_every_message_in_idle(imap_peer):
    smtp_port = imap_peer.facteur.ports["smtp"]
    result = delivery_latency.run(imap_peer.host, smtp_port, imap_peer.imap_port, [ALICE, BOB], PASSWORD, messages=5,
                                  size=2048, max_seconds=60, settle_seconds=20)
    assert result["accepted"] == 10 and result["failed"] == 0 and result["missing"] == 0
    assert 0 <= result["p50_ms"] <= result["p99_ms"] < 5000
