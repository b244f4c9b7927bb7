"""Issue 4: two-way sync of a 5,000-message tree with Debian's mbsync (isync) and offlineimap, and
the bytes a second sync moves after 50 changes on the server. The sync clients talk through a
counting relay, so the test sees every byte each way. A second sync must carry the changes and
the clients' own per-sync bookkeeping (mbsync and offlineimap ask for the flags of every message
each time), never the messages again. mbsync uses COMPRESS=DEFLATE when offered, offlineimap does not.

Run against Dovecot with FACTEUR_IMAP_PEER=dovecot; `-s` prints the byte counts of each run:
    python3 -m pytest -s -q Tests/interop/test_imap_sync_bytes.py
"""
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from byte_counting_proxy import ByteCountingProxy
from imap_support import ALICE, PASSWORD, imap_peer  # noqa: F401 (fixture)
from test_imap_mbsync import seeded_message, server_state, sync_with_mbsync

FOLDERS = {"INBOX": 2000, "Work": 1500, "Lists/dev": 1500}
TOTAL = sum(FOLDERS.values())
MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
# What a second sync may cost per message the server holds: one `* n FETCH (UID u FLAGS (...))`
# line of the flag listing both clients ask for on every run (offlineimap's also carries
# INTERNALDATE: about 80 bytes a message against Dovecot and Facteur alike).
FLAG_LISTING_BYTES_PER_MESSAGE = 96


def load_server(peer, seed: int) -> None:
    """5,000 messages in three folders, appended in batches with MULTIAPPEND and LITERAL+ (one
    round trip per 250 messages) so loading takes seconds on both servers."""
    rng = random.Random(seed)
    raw = peer.raw()
    for folder in FOLDERS:
        if folder != "INBOX":
            raw.ok(f'CREATE "{folder}"')
    for folder, count in FOLDERS.items():
        for start in range(0, count, 250):
            parts = [f'APPEND "{folder}"'.encode()]
            for index in range(start, min(start + 250, count)):
                message = seeded_message(folder, index, rng)
                flags = "(\\Seen)" if rng.random() < 0.6 else "()"
                parts.append(f" {flags} {{{len(message)}+}}\r\n".encode() + message)
            raw.ok(b"".join(parts))
    raw.command("LOGOUT")
    raw.close()


def message_id(data: bytes) -> str:
    return re.search(rb"^Message-ID: (<[^>]+>)", data, re.M | re.I).group(1).decode()


def maildir_state(root: Path) -> dict[str, dict[str, frozenset]]:
    state = {}
    for folder in FOLDERS:
        messages = {}
        for sub in ("cur", "new"):
            directory = root / folder / sub
            for path in directory.iterdir() if directory.exists() else ():
                info = path.name.split(":2,")[1] if ":2," in path.name else ""
                mid = message_id(path.read_bytes())
                assert mid not in messages, f"duplicate {mid} in local {folder}"
                messages[mid] = frozenset(MAILDIR_FLAGS[c] for c in info if c in MAILDIR_FLAGS)
        state[folder] = messages
    return state


def fifty_changes(peer, round_number: int) -> int:
    """20 flag changes in INBOX, 10 expunges in Work, 20 new messages in Lists/dev; returns the
    bytes of the new messages (what a sync must download)."""
    client = peer.connect()
    client.select("INBOX")
    base = 1 + 20 * round_number
    client.store(f"{base}:{base + 19}", "+FLAGS.SILENT", "(\\Flagged)")
    client.select("Work")
    client.store("1:10", "+FLAGS.SILENT", "(\\Deleted)")
    client.expunge()
    rng, new_bytes = random.Random(round_number), 0
    for index in range(20):
        message = seeded_message("Lists/dev", 10_000 + 100 * round_number + index, rng)
        new_bytes += len(message)
        client.append('"Lists/dev"', "()", None, message)
    client.logout()
    return new_bytes


def expected_counts(changes_applied: int) -> dict[str, int]:
    return {"INBOX": 2000, "Work": 1500 - 10 * changes_applied, "Lists/dev": 1500 + 20 * changes_applied}


def run_mbsync(workdir: Path, port: int) -> None:
    sync_with_mbsync(workdir, port, workdir / "mbsync-local", FOLDERS)


def run_offlineimap(workdir: Path, port: int) -> None:
    rc = workdir / "offlineimaprc"
    folders = ", ".join(repr(name) for name in FOLDERS)
    rc.write_text(f"""[general]
accounts = peer
metadata = {workdir}/offlineimap-meta
ui = quiet

[Account peer]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {workdir}/offlineimap-local
sep = /

[Repository remote]
type = IMAP
remotehost = 127.0.0.1
remoteport = {port}
remoteuser = {ALICE}
remotepass = {PASSWORD}
ssl = no
starttls = no
auth_mechanisms = PLAIN, LOGIN
maxconnections = 1
folderfilter = lambda name: name in [{folders}]
""")
    result = subprocess.run(["offlineimap", "-c", str(rc), "-o", "-u", "quiet"], capture_output=True, text=True,
                            timeout=900, env={"HOME": str(workdir), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


SYNC_CLIENTS = {
    "mbsync": (run_mbsync, "mbsync-local", "isync"),
    "offlineimap": (run_offlineimap, "offlineimap-local", "offlineimap3"),
}


@pytest.mark.parametrize("client", sorted(SYNC_CLIENTS))
def test_second_sync_after_50_changes_moves_only_the_changes(imap_peer, workdir, client):
    run, local_name, package = SYNC_CLIENTS[client]
    if shutil.which(client) is None:
        pytest.skip(f"{client} not installed (apt-get install {package})")
    load_server(imap_peer, seed=4)
    proxy = ByteCountingProxy(imap_peer.imap_port)
    try:
        run(workdir, proxy.port)
        first_up, first_down = proxy.take()
        local = workdir / local_name
        assert maildir_state(local) == server_state(imap_peer, FOLDERS)
        assert {folder: len(messages) for folder, messages in maildir_state(local).items()} == expected_counts(0)

        new_bytes = fifty_changes(imap_peer, round_number=0)
        proxy.take()  # the changes themselves went straight to the server, not through the relay
        run(workdir, proxy.port)
        second_up, second_down = proxy.take()
    finally:
        proxy.close()

    local_state, remote_state = maildir_state(local), server_state(imap_peer, FOLDERS)
    assert local_state == remote_state
    assert {folder: len(messages) for folder, messages in local_state.items()} == expected_counts(1)
    assert sum("\\Flagged" in flags for flags in local_state["INBOX"].values()) >= 20

    print(f"\nSYNC {imap_peer.kind} {client}: first sync {first_up + first_down} B "
          f"(up {first_up}, down {first_down}); second sync after 50 changes {second_up + second_down} B "
          f"(up {second_up}, down {second_down}); new messages {new_bytes} B")
    # Every message arrived (the Maildir holds them all, checked above); mbsync compresses when the
    # server offers COMPRESS=DEFLATE (Facteur and the reference Dovecot do), so the first sync's
    # octets are not a per-message floor, only the reference the second sync is measured against.
    allowance = new_bytes + TOTAL * FLAG_LISTING_BYTES_PER_MESSAGE + 64 * 1024
    assert second_down < allowance, f"second sync downloaded {second_down} B, allowance {allowance} B"
    assert second_up + second_down < (first_up + first_down) / 10
