"""NOTIFY (RFC 5465) over a raw socket: a client watching several mailboxes learns of deliveries,
APPENDs and other sessions' CREATE/RENAME/DELETE without polling. Runs against Facteur and, with
FACTEUR_IMAP_PEER=dovecot, against Dovecot 2.3, which proves the expected responses."""
import re

from imap_support import ALICE, BOB, facteur_specific, imap_peer, make_message  # noqa: F401 (fixture)

STATUS = re.compile(rb'^\* STATUS "?([^"]+?)"? \((.*)\)$')
LIST = re.compile(rb'^\* LIST \(([^)]*)\) (?:"/"|"\."|NIL) "?([^" ]+)"?(?: \((.*)\))?$')
WATCH = "NOTIFY SET (INBOXES (MessageNew MessageExpunge)) (PERSONAL (MessageNew MessageExpunge MailboxName))"


def status_items(line: bytes) -> tuple[str, dict[str, int]]:
    match = STATUS.match(line)
    assert match, line
    values = match.group(2).decode().split()
    return match.group(1).decode(), {values[i].upper(): int(values[i + 1]) for i in range(0, len(values), 2)}


def next_matching(connection, pattern: re.Pattern, timeout: float = 10) -> bytes:
    """The next unsolicited line matching `pattern`, skipping others (RECENT, FETCH...)."""
    seen = []
    while True:
        line = connection.line(timeout)
        assert line is not None, f"nothing matching {pattern.pattern!r} within {timeout}s; got {seen}"
        if pattern.match(line):
            return line
        seen.append(line)


def next_status(connection, mailbox: str) -> dict[str, int]:
    """The next STATUS for `mailbox` (Dovecot also repeats STATUS for mailboxes told before)."""
    while True:
        name, items = status_items(next_matching(connection, STATUS))
        if name == mailbox:
            return items


def next_list(connection, mailbox: bytes) -> re.Match:
    """The next LIST for `mailbox` (Dovecot also lists INBOX again after a RENAME)."""
    while True:
        match = LIST.match(next_matching(connection, LIST))
        if match.group(2) == mailbox:
            return match


def append(connection, mailbox: str, raw: bytes):
    tag = connection.tag()
    connection.send(f"{tag} APPEND {mailbox} {{{len(raw)}}}\r\n".encode())
    assert connection.line(10).startswith(b"+"), "no continuation for APPEND"
    connection.send(raw + b"\r\n")
    _, tagged = connection.until_tagged(tag)
    assert tagged.split(b" ")[1] == b"OK", tagged


def test_status_for_deliveries_and_appends_without_polling(imap_peer):
    watcher, other = imap_peer.raw(), imap_peer.raw()
    other.ok("CREATE Work")
    assert "NOTIFY" in watcher.greeting.decode().upper() or any(
        b"NOTIFY" in line for line in watcher.ok("CAPABILITY"))
    untagged = watcher.ok(WATCH)
    assert not any(STATUS.match(line) for line in untagged), untagged   # no STATUS indicator

    imap_peer.deliver(make_message(subject="Into the inbox"))
    items = next_status(watcher, "INBOX")
    assert items["MESSAGES"] == 1 and items["UIDNEXT"] >= 2, items

    append(other, "Work", make_message(subject="Filed"))
    items = next_status(watcher, "Work")
    assert items["MESSAGES"] == 1, items

    # Bob's mail is none of Alice's business: his INBOX reaches 2 messages, hers stays at 1.
    imap_peer.deliver_many([make_message(subject="For Bob", to=BOB), make_message(subject="Again", to=BOB)], to=BOB)
    late = list(iter(lambda: watcher.line(1.5), None))
    assert all(status_items(line)[1].get("MESSAGES", 1) == 1 for line in late if STATUS.match(line)), late
    assert not any(LIST.match(line) for line in late), late

    # NOTIFY NONE: nothing more arrives unasked.
    watcher.ok("NOTIFY NONE")
    imap_peer.deliver(make_message(subject="Unwatched"))
    assert watcher.line(1.5) is None
    for connection in (watcher, other):
        connection.close()


def test_notify_set_status_and_idle(imap_peer):
    watcher, other = imap_peer.raw(), imap_peer.raw()
    other.ok("CREATE Work")
    append(other, "Work", make_message(subject="Already there"))
    watcher.ok("SELECT INBOX")
    untagged = watcher.ok("NOTIFY SET STATUS (SELECTED (MessageNew (UID) MessageExpunge)) (MAILBOXES Work (MessageNew MessageExpunge))")
    statuses = [status_items(line) for line in untagged if STATUS.match(line)]
    assert [name for name, _ in statuses] == ["Work"], untagged
    assert statuses[0][1]["MESSAGES"] == 1 and "UIDNEXT" in statuses[0][1] and "UIDVALIDITY" in statuses[0][1]

    tag = watcher.tag()
    watcher.send(f"{tag} IDLE\r\n".encode())
    assert watcher.line(10).startswith(b"+")
    append(other, "Work", make_message(subject="While idle"))
    items = next_status(watcher, "Work")
    assert items["MESSAGES"] == 2, items
    imap_peer.deliver(make_message(subject="Selected while idle"))
    assert next_matching(watcher, re.compile(rb"^\* \d+ EXISTS$")) == b"* 1 EXISTS"
    # RFC 5465 §5.2: the FETCH of what MessageNew asked for follows the EXISTS.
    assert re.match(rb"^\* 1 FETCH \(UID \d+\)$", next_matching(watcher, re.compile(rb"^\* 1 FETCH "))), "no FETCH"
    watcher.send(b"DONE\r\n")
    _, tagged = watcher.until_tagged(tag)
    assert tagged.split(b" ")[1] == b"OK", tagged
    for connection in (watcher, other):
        connection.close()


def test_mailbox_name_events_from_another_session(imap_peer):
    watcher, other = imap_peer.raw(), imap_peer.raw()
    watcher.ok(WATCH)
    other.ok("CREATE Projects")
    match = next_list(watcher, b"Projects")
    assert b"\\NonExistent" not in match.group(1), match.group(0)

    other.ok("RENAME Projects Plans")
    match = next_list(watcher, b"Plans")
    assert re.search(rb'"?OLDNAME"? \("?Projects"?\)', match.group(3) or b"", re.I), match.group(0)

    other.ok("DELETE Plans")
    match = next_list(watcher, b"Plans")
    assert b"\\nonexistent" in match.group(1).lower(), match.group(0)
    for connection in (watcher, other):
        connection.close()


def test_unsupported_events_and_rule_violations(imap_peer):
    client = imap_peer.raw()
    untagged, tagged = client.command("NOTIFY SET (SELECTED (MessageNew MessageExpunge AnnotationChange))")
    assert tagged.split(b" ")[1] == b"NO" and b"[BADEVENT" in tagged.upper(), tagged
    if facteur_specific("Dovecot lists its own set of supported events"):
        assert b"[BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)]" in tagged
    if facteur_specific("Dovecot 2.3 accepts MessageNew alone, which RFC 5465 §5 says MUST get BAD"):
        assert client.status("NOTIFY SET (PERSONAL (MessageNew))") == "BAD"
    client.close()
