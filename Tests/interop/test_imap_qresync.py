"""CONDSTORE and QRESYNC (RFC 7162) against the real server, the way a phone resynchronises: it
records UIDVALIDITY, HIGHESTMODSEQ and its UIDs, goes offline; a laptop changes flags, expunges
and mail arrives over SMTP; the phone's `SELECT INBOX (QRESYNC (...))` must answer exactly those
changes. Runs against Facteur and, with FACTEUR_IMAP_PEER=dovecot, against Dovecot."""
import re
import time

from imap_support import facteur_specific, imap_peer, make_message, response_code  # noqa: F401 (fixture)

STANDARD = re.compile(rb"^\* (\d+ EXISTS|\d+ RECENT|FLAGS |OK \[(UIDVALIDITY|UIDNEXT|UNSEEN|PERMANENTFLAGS|"
                      rb"HIGHESTMODSEQ|CLOSED|READ-WRITE|READ-ONLY|MAILBOXID)|LIST )")
FETCH = re.compile(rb"^\* (\d+) FETCH \((.*)\)$")


def fetch_items(line: bytes) -> dict[str, str]:
    """UID, FLAGS and MODSEQ of one FETCH line (the items this test asks for)."""
    match = FETCH.match(line)
    assert match, line
    body = match.group(2).decode()
    items = {}
    for name, pattern in (("UID", r"UID (\d+)"), ("FLAGS", r"FLAGS \(([^)]*)\)"), ("MODSEQ", r"MODSEQ \((\d+)\)")):
        found = re.search(pattern, body)
        if found:
            items[name] = found.group(1)
    return items


def uid_set(text: str) -> set[int]:
    out = set()
    for part in text.split(","):
        low, _, high = part.partition(":")
        out.update(range(int(low), int(high or low) + 1))
    return out


def record_state(peer):
    """The phone's first sync: UIDVALIDITY, HIGHESTMODSEQ and every UID with its MODSEQ."""
    phone = peer.raw()
    assert b"ENABLED" in b" ".join(phone.ok("ENABLE QRESYNC")).upper()
    selected = phone.ok("SELECT INBOX")
    uidvalidity = int(response_code(selected, "UIDVALIDITY")[0])
    highest = int(response_code(selected, "HIGHESTMODSEQ")[0])
    fetched = phone.ok("UID FETCH 1:* (FLAGS MODSEQ)")
    uids = sorted(int(fetch_items(line)["UID"]) for line in fetched if FETCH.match(line))
    phone.command("LOGOUT")
    phone.close()
    return uidvalidity, highest, uids


def test_phone_resyncs_exactly_what_the_laptop_changed(imap_peer):
    peer = imap_peer
    peer.deliver_many([make_message(subject=f"Message {n}") for n in range(1, 7)])
    uidvalidity, recorded, uids = record_state(peer)
    assert len(uids) == 6
    seen, flagged, deleted, untouched = uids[1], uids[3], uids[2], [uids[0], uids[4], uids[5]]

    # The laptop reads one message, flags another, deletes a third and expunges it.
    laptop = peer.connect()
    assert laptop.select("INBOX")[0] == "OK"
    assert laptop.uid("STORE", str(seen), "+FLAGS.SILENT", "(\\Seen)")[0] == "OK"
    assert laptop.uid("STORE", str(flagged), "+FLAGS.SILENT", "(\\Flagged)")[0] == "OK"
    assert laptop.uid("STORE", str(deleted), "+FLAGS.SILENT", "(\\Deleted)")[0] == "OK"
    assert laptop.expunge()[0] == "OK"
    laptop.logout()
    peer.deliver(make_message(subject="Arrived while offline"))

    phone = peer.raw()
    phone.ok("ENABLE QRESYNC")
    known = ",".join(str(uid) for uid in uids)
    untagged = phone.ok(f"SELECT INBOX (QRESYNC ({uidvalidity} {recorded} {known}))")
    extra = [line for line in untagged if not STANDARD.match(line)]
    vanished = [line for line in extra if line.startswith(b"* VANISHED")]
    fetches = [fetch_items(line) for line in extra if FETCH.match(line)]
    assert len(vanished) + len(fetches) == len(extra), extra

    # Exactly one VANISHED (EARLIER), for the expunged message, before any FETCH.
    assert len(vanished) == 1 and vanished[0].upper().startswith(b"* VANISHED (EARLIER) "), extra
    assert uid_set(vanished[0].split(b" ", 3)[3].decode()) == {deleted}
    assert extra[0] == vanished[0]
    # FETCH (UID FLAGS MODSEQ) for the changed messages, and the new one, nothing for the rest.
    by_uid = {int(items["UID"]): items for items in fetches}
    assert len(by_uid) == len(fetches)
    assert {seen, flagged} <= set(by_uid), fetches
    assert "\\Seen" in by_uid[seen]["FLAGS"] and "\\Flagged" in by_uid[flagged]["FLAGS"]
    assert not set(untouched) & set(by_uid), fetches
    new_uids = set(by_uid) - {seen, flagged}
    if facteur_specific("Dovecot reports only the known UIDs; Facteur also sends the new arrivals"):
        assert len(new_uids) == 1 and min(new_uids) > max(uids), fetches
    assert all(int(items["MODSEQ"]) > recorded for items in fetches)
    highest = int(response_code(untagged, "HIGHESTMODSEQ")[0])
    assert highest > recorded
    assert b"* 6 EXISTS" in untagged

    # The same question from the new HIGHESTMODSEQ has no answer; UID FETCH VANISHED agrees.
    again = phone.ok(f"EXAMINE INBOX (QRESYNC ({uidvalidity} {highest} 1:{max(by_uid) + 1}))")
    assert any(line.startswith(b"* OK [CLOSED]") for line in again)
    assert not [line for line in again if line.startswith(b"* VANISHED") or FETCH.match(line)]
    changed = phone.ok(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {recorded} VANISHED)")
    assert changed[0].upper().startswith(b"* VANISHED (EARLIER) ")
    assert uid_set(changed[0].split(b" ", 3)[3].decode()) == {deleted}
    changed_uids = {int(fetch_items(line)["UID"]) for line in changed[1:]}
    arrived = changed_uids - {seen, flagged}
    assert {seen, flagged} <= changed_uids and len(arrived) == 1 and min(arrived) > max(uids), changed
    phone.command("LOGOUT")
    phone.close()


def test_selected_session_sees_vanished_and_conditional_store(imap_peer):
    peer = imap_peer
    peer.deliver_many([make_message(subject=f"Message {n}") for n in range(1, 4)])
    phone = peer.raw()
    phone.ok("ENABLE QRESYNC")
    selected = phone.ok("SELECT INBOX")
    highest = int(response_code(selected, "HIGHESTMODSEQ")[0])

    laptop = peer.connect()
    laptop.select("INBOX")
    laptop.uid("STORE", "1", "+FLAGS.SILENT", "(\\Deleted)")
    laptop.uid("STORE", "2", "+FLAGS.SILENT", "($Label)")
    laptop.expunge()
    laptop.logout()

    seen = []
    for _ in range(40):
        seen += phone.ok("NOOP")
        if any(line.startswith(b"* VANISHED") for line in seen) and any(FETCH.match(line) for line in seen):
            break
        time.sleep(0.05)
    assert b"* VANISHED 1" in seen, seen
    assert not [line for line in seen if line.endswith(b" EXPUNGE")]
    update = [fetch_items(line) for line in seen if FETCH.match(line)]
    assert update and update[0]["UID"] == "2" and "$Label" in update[0]["FLAGS"] and "MODSEQ" in update[0]

    # STORE UNCHANGEDSINCE the old MODSEQ fails for the message the laptop changed.
    untagged, tagged = phone.command(f"UID STORE 2:3 (UNCHANGEDSINCE {highest}) +FLAGS.SILENT (\\Seen)")
    assert tagged.split(b" ")[1] == b"OK", tagged
    assert response_code([tagged], "MODIFIED") == ["2"], tagged
    stored = {fetch_items(line)["UID"]: fetch_items(line) for line in untagged if FETCH.match(line)}
    assert "MODSEQ" in stored["3"] and int(stored["3"]["MODSEQ"]) > highest
    phone.command("LOGOUT")
    phone.close()
