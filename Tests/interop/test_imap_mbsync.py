"""Two-way synchronisation with Debian's isync (`mbsync`): a local Maildir tree of 1,000 small
messages in 3 folders goes up to the server, both sides then change (flags, deletions, new mail),
and after a second sync both must hold the same folders, Message-IDs and flags. The expected
result is what mbsync does against Dovecot (FACTEUR_IMAP_PEER=dovecot runs the same assertions)."""
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from imap_support import ALICE, PASSWORD, imap_peer  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(shutil.which("mbsync") is None, reason="mbsync not installed (apt-get install isync)")

FOLDERS = {"INBOX": 400, "Work": 350, "Lists/dev": 250}
MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike café über".split()


def seeded_message(folder: str, index: int, rng: random.Random) -> bytes:
    body = "\r\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
                       for _ in range(rng.randint(2, 30)))
    tag = folder.replace("/", "-").lower()
    return (f"From: Sender {index} <s{index}@remote.test>\r\nTo: <{ALICE}>\r\n"
            f"Subject: {folder} message {index}\r\nDate: Sun, 29 Nov 2026 {index % 24:02d}:{index % 60:02d}:00 +0000\r\n"
            f"Message-ID: <{tag}.{index}@seed.test>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n").encode()


def maildir_path(root: Path, folder: str) -> Path:
    return root / folder


def write_local_tree(root: Path) -> None:
    rng = random.Random(20261130)
    stamp = int(time.time())
    for folder, count in FOLDERS.items():
        base = maildir_path(root, folder)
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        for index in range(count):
            roll = rng.random()
            flags = "S" if roll < 0.6 else "FS" if roll < 0.7 else "RS" if roll < 0.75 else ""
            name = f"{stamp}.R{rng.getrandbits(32):08x}P{index}.seed:2,{flags}"
            (base / "cur" / name).write_bytes(seeded_message(folder, index, rng))


def message_id_of(path: Path) -> str:
    return re.search(rb"^Message-ID: (<[^>]+>)", path.read_bytes(), re.M | re.I).group(1).decode()


def local_state(root: Path) -> dict[str, dict[str, frozenset]]:
    """{folder: {Message-ID: flags}} of the local Maildir tree."""
    state = {}
    for folder in FOLDERS:
        messages = {}
        for sub in ("cur", "new"):
            for path in (maildir_path(root, folder) / sub).iterdir():
                match = re.search(rb"^Message-ID: (<[^>]+>)", path.read_bytes(), re.M | re.I)
                assert match, path
                info = path.name.split(":2,")[1] if ":2," in path.name else ""
                message_id = match.group(1).decode()
                assert message_id not in messages, f"duplicate {message_id} in local {folder}"
                messages[message_id] = frozenset(MAILDIR_FLAGS[c] for c in info if c in MAILDIR_FLAGS)
        state[folder] = messages
    return state


def server_state(peer, folders=FOLDERS) -> dict[str, dict[str, frozenset]]:
    """{folder: {Message-ID: flags}} as the server holds it."""
    client = peer.connect()
    state = {}
    for folder in folders:
        typ, data = client.select(f'"{folder}"', readonly=True)
        assert typ == "OK", (folder, data)
        messages = {}
        if int(data[0]) > 0:
            typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            assert typ == "OK"
            for item in data:
                if not isinstance(item, tuple):
                    continue
                flags = re.search(rb"FLAGS \(([^)]*)\)", item[0]).group(1).decode().split()
                message_id = re.search(rb"(<[^>]+>)", item[1]).group(1).decode()
                assert message_id not in messages, f"duplicate {message_id} in server {folder}"
                messages[message_id] = frozenset(f for f in flags if f != "\\Recent")
        state[folder] = messages
    client.logout()
    return state


def run_mbsync(workdir: Path, peer) -> str:
    return sync_with_mbsync(workdir, peer.imap_port, workdir / "local", FOLDERS)


def sync_with_mbsync(workdir: Path, port: int, local: Path, folders) -> str:
    """One `mbsync` run of `folders` between the server on `port` (plain IMAP, LOGIN) and the
    Maildir tree at `local`, both ways with creation and expunge; returns mbsync's output."""
    local.mkdir(parents=True, exist_ok=True)
    rc = workdir / "mbsyncrc"
    rc.write_text(f"""IMAPAccount peer
Host 127.0.0.1
Port {port}
User {ALICE}
Pass {PASSWORD}
SSLType None
AuthMechs LOGIN
Timeout 120

IMAPStore remote
Account peer

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns {" ".join(folders)}
Create Both
Expunge Both
Sync All
SyncState *
""")
    result = subprocess.run(["mbsync", "-c", str(rc), "sync"], capture_output=True, text=True, timeout=600,
                            env={"HOME": str(workdir), "PATH": "/usr/bin:/bin"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def test_mbsync_two_way_sync_of_1000_messages(imap_peer, workdir):
    local = workdir / "local"
    write_local_tree(local)
    before = local_state(local)
    assert sum(len(v) for v in before.values()) == 1000
    run_mbsync(workdir, imap_peer)
    assert server_state(imap_peer) == local_state(local) == before

    # Local changes: 20 deleted in Work, 30 flagged and 10 marked unread in INBOX.
    rng = random.Random(5)
    work_files = sorted((local / "Work" / "cur").iterdir())
    for path in rng.sample(work_files, 20):
        path.unlink()
    inbox_files = sorted((local / "INBOX" / "cur").iterdir())
    changed = rng.sample(inbox_files, 40)
    flagged_ids = {message_id_of(path) for path in changed[:30]}
    unread_ids = {message_id_of(path) for path in changed[30:]}
    for path in changed[:30]:
        stem, info = path.name.split(":2,")
        path.rename(path.with_name(f"{stem}:2,{''.join(sorted(set(info) | {'F'}))}"))
    for path in changed[30:]:
        stem, info = path.name.split(":2,")
        path.rename(path.with_name(f"{stem}:2,{''.join(sorted(set(info) - {'S'}))}"))
    local_after = local_state(local)

    # Server changes, on other messages: Lists/dev loses 10 and marks 15 read, Work gets 5
    # \Answered, INBOX receives 5 new messages.
    client = imap_peer.connect()
    client.select('"Lists/dev"')
    lists_ids = [re.search(rb"(<[^>]+>)", item[1]).group(1).decode()
                 for item in client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")[1] if isinstance(item, tuple)]
    client.store("1:10", "+FLAGS.SILENT", "(\\Deleted)")
    client.expunge()
    client.store("11:25", "+FLAGS.SILENT", "(\\Seen)")  # were 21:35 before the expunge
    work_ids = {mid for mid in local_after["Work"]}
    client.select("Work")
    typ, data = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    answered, answered_ids = [], set()
    for item in data:
        if isinstance(item, tuple):
            message_id = re.search(rb"(<[^>]+>)", item[1]).group(1).decode()
            if message_id in work_ids and len(answered) < 5:
                answered.append(item[0].split()[0].decode())
                answered_ids.add(message_id)
    client.store(",".join(answered), "+FLAGS.SILENT", "(\\Answered)")
    for n in range(5):
        client.append("INBOX", "(\\Seen)", None, seeded_message("INBOX", 1000 + n, random.Random(n)))
    client.logout()

    run_mbsync(workdir, imap_peer)
    server, local_final = server_state(imap_peer), local_state(local)
    assert server == local_final
    assert {folder: len(messages) for folder, messages in server.items()} == {"INBOX": 405, "Work": 330,
                                                                           "Lists/dev": 240}
    assert all("\\Flagged" in server["INBOX"][mid] for mid in flagged_ids)
    assert all("\\Seen" not in server["INBOX"][mid] for mid in unread_ids)
    assert all("\\Answered" in local_final["Work"][mid] for mid in answered_ids) and len(answered_ids) == 5
    assert not set(lists_ids[:10]) & set(local_final["Lists/dev"])
    assert all("\\Seen" in local_final["Lists/dev"][mid] for mid in lists_ids[20:35])
    assert {f"<inbox.{1000 + n}@seed.test>" for n in range(5)} <= set(local_final["INBOX"])
    # A third sync changes nothing.
    run_mbsync(workdir, imap_peer)
    assert server_state(imap_peer) == local_state(local) == local_final
