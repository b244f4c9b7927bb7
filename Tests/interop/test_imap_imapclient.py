"""IMAP through imapclient's high-level API (PyPI `imapclient`), the library many Python mail tools
are built on: it parses LIST, ENVELOPE, BODYSTRUCTURE and IDLE responses itself, so a server whose
answers are slightly off breaks it. Same peer switch as the imaplib tests (FACTEUR_IMAP_PEER)."""
import datetime
import re
import time

import pytest

from imap_support import (ALICE, BOB, SPECIAL_USE, UNVERIFIED, imap_peer, make_message,  # noqa: F401
                          split_delivered)

imapclient = pytest.importorskip("imapclient", reason="pip install imapclient")
from imapclient import IMAPClient  # noqa: E402
from imapclient.exceptions import IMAPClientError, LoginError  # noqa: E402


def local(moment: datetime.datetime) -> datetime.datetime:
    """imapclient turns IMAP dates into naive local times."""
    return moment.astimezone().replace(tzinfo=None)


def client_for(peer, user=ALICE, tls="none") -> IMAPClient:
    if tls == "implicit":
        client = IMAPClient(peer.host, port=peer.imaps_port, ssl=True, ssl_context=UNVERIFIED, timeout=30)
    else:
        client = IMAPClient(peer.host, port=peer.imap_port, ssl=False, timeout=30)
        if tls == "starttls":
            client.starttls(UNVERIFIED)
    if user:
        client.login(user, "secret")
    return client


def test_login_capabilities_namespace_and_tls(imap_peer):
    client = client_for(imap_peer, user=None)
    assert client.has_capability("STARTTLS") and client.has_capability("IDLE")
    client.starttls(UNVERIFIED)
    client.login(ALICE, "secret")
    for capability in ("UIDPLUS", "MOVE", "SPECIAL-USE", "NAMESPACE", "ID", "ENABLE", "ESEARCH", "UNSELECT"):
        assert client.has_capability(capability), capability
    namespaces = client.namespace()
    assert namespaces.personal == (("", "/"),), namespaces
    client.id_({"name": "facteur-interop"})  # answered OK (the server's own ID list or NIL)
    client.logout()
    secure = client_for(imap_peer, tls="implicit")
    assert secure.select_folder("INBOX", readonly=True)[b"EXISTS"] == 0
    secure.logout()
    bad = client_for(imap_peer, user=None)
    with pytest.raises(LoginError):
        bad.login(ALICE, "wrong")
    bad.shutdown()


def test_folders(imap_peer):
    client = client_for(imap_peer)
    folders = {name: flags for flags, delimiter, name in client.list_folders()}
    assert {"INBOX", *SPECIAL_USE} <= set(folders)
    assert all(delimiter == b"/" for _, delimiter, _ in client.list_folders())
    for name, attribute in SPECIAL_USE.items():
        assert attribute.encode() in folders[name]
        assert client.find_special_folder(attribute.encode()) == name
    client.create_folder("Clients/Müller & Söhne")  # imapclient sends modified UTF-7 itself
    client.create_folder("Clients/Zoë")
    assert client.folder_exists("Clients/Müller & Söhne")
    assert set(name for _, _, name in client.list_folders("Clients/")) >= {"Clients/Müller & Söhne", "Clients/Zoë"}
    client.subscribe_folder("Clients/Zoë")
    assert "Clients/Zoë" in [name for _, _, name in client.list_sub_folders()]
    client.rename_folder("Clients/Zoë", "Clients/Zoé")
    names = [name for _, _, name in client.list_folders()]
    assert "Clients/Zoé" in names and "Clients/Zoë" not in names
    status = client.folder_status("Clients/Zoé", [b"MESSAGES", b"UIDNEXT", b"UIDVALIDITY", b"UNSEEN"])
    assert status[b"MESSAGES"] == 0 and status[b"UNSEEN"] == 0 and status[b"UIDVALIDITY"] > 0
    client.delete_folder("Clients/Müller & Söhne")
    assert not client.folder_exists("Clients/Müller & Söhne")
    with pytest.raises(IMAPClientError):
        client.delete_folder("INBOX")
    with pytest.raises(IMAPClientError):
        client.select_folder("No/Such/Folder")
    client.logout()


def test_append_fetch_envelope_and_bodystructure(imap_peer):
    client = client_for(imap_peer)
    raw = ("From: =?utf-8?q?Fran=C3=A7ois_Dupr=C3=A9?= <francois@remote.test>\r\nTo: Alice <alice@example.test>, "
           "bob@example.test\r\nSubject: =?utf-8?q?R=C3=A9sum=C3=A9?=\r\nDate: Mon, 2 Nov 2026 09:15:00 +0100\r\n"
           "Message-ID: <resume@remote.test>\r\nIn-Reply-To: <earlier@remote.test>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "\r\nPlain text.\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n--b1--\r\n").encode()
    when = datetime.datetime(2026, 11, 2, 8, 0, 0, tzinfo=datetime.timezone.utc)
    response = client.append("Archive", raw, flags=[b"\\Seen", b"$Important"], msg_time=when)
    match = re.search(rb"\[APPENDUID (\d+) (\d+)\]", response)
    assert match, response
    info = client.select_folder("Archive")
    assert info[b"EXISTS"] == 1 and info[b"UIDVALIDITY"] == int(match.group(1))
    assert b"\\Seen" in info[b"PERMANENTFLAGS"] and b"\\*" in info[b"PERMANENTFLAGS"]
    uid = int(match.group(2))
    data = client.fetch([uid], ["ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODYSTRUCTURE", "BODY.PEEK[]"])[uid]
    envelope = data[b"ENVELOPE"]
    assert envelope.subject == b"=?utf-8?q?R=C3=A9sum=C3=A9?="
    assert envelope.message_id == b"<resume@remote.test>" and envelope.in_reply_to == b"<earlier@remote.test>"
    assert envelope.date == local(datetime.datetime(2026, 11, 2, 8, 15, tzinfo=datetime.timezone.utc))
    sender = envelope.from_[0]
    assert (sender.mailbox, sender.host) == (b"francois", b"remote.test")
    assert [(a.name, a.mailbox, a.host) for a in envelope.to] == [(b"Alice", b"alice", b"example.test"),
                                                                 (None, b"bob", b"example.test")]
    assert set(data[b"FLAGS"]) - {b"\\Recent"} == {b"\\Seen", b"$Important"}
    assert data[b"INTERNALDATE"] == local(when)
    assert data[b"RFC822.SIZE"] == len(raw) and data[b"BODY[]"] == raw
    structure = data[b"BODYSTRUCTURE"]
    assert structure.is_multipart
    parts, subtype = structure[0], structure[1]
    assert subtype.lower() == b"alternative" and len(parts) == 2
    assert (parts[0][0].lower(), parts[0][1].lower()) == (b"text", b"plain")
    assert (parts[1][0].lower(), parts[1][1].lower()) == (b"text", b"html")
    client.logout()


def test_delivered_mail_search_and_flags(imap_peer):
    imap_peer.deliver_many([
        make_message("Weekly sync", sender="ops@remote.test", body="Agenda: déploiement vendredi.\r\n",
                     extra_headers="MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                   "Content-Transfer-Encoding: 8bit\r\n"),
        make_message("Invoice", sender="billing@shop.test"),
        make_message("Weekly sync notes", sender="ops@remote.test"),
    ])
    client = client_for(imap_peer)
    client.select_folder("INBOX")
    uids = client.search()
    assert len(uids) == 3
    assert client.search(["FROM", "ops@remote.test"]) == [uids[0], uids[2]]
    assert client.search(["SUBJECT", "invoice"]) == [uids[1]]
    assert client.search(["BODY", "déploiement"], charset="UTF-8") == [uids[0]]
    assert client.search(["OR", "SUBJECT", "invoice", "SUBJECT", "notes"]) == [uids[1], uids[2]]
    assert client.search(["UNSEEN"]) == uids
    client.add_flags([uids[0]], [b"\\Seen", b"\\Flagged", b"todo"])
    client.remove_flags([uids[0]], [b"\\Flagged"])
    assert set(client.get_flags([uids[0]])[uids[0]]) - {b"\\Recent"} == {b"\\Seen", b"todo"}
    client.set_flags([uids[1]], [b"\\Answered"])
    assert client.search(["UNSEEN"]) == [uids[1], uids[2]]
    assert client.search(["KEYWORD", "todo"]) == [uids[0]]
    body = client.fetch([uids[1]], ["BODY[]"])[uids[1]][b"BODY[]"]
    split_delivered(body, make_message("Invoice", sender="billing@shop.test"))
    client.logout()


def test_idle_check_sees_new_mail(imap_peer):
    client = client_for(imap_peer)
    client.select_folder("INBOX")
    client.idle()
    started = time.time()
    imap_peer.deliver(make_message("idle wake-up"))
    responses = client.idle_check(timeout=5)
    waited = time.time() - started
    client.idle_done()
    assert (1, b"EXISTS") in responses, responses
    assert waited < 3, waited
    other = client_for(imap_peer)
    other.select_folder("INBOX")
    client.idle()
    other.add_flags(other.search(), [b"\\Flagged"])
    responses = client.idle_check(timeout=5)
    client.idle_done()
    assert any(r[1] == b"FETCH" for r in responses), responses
    other.logout()
    client.logout()


def test_move_copy_and_uidplus(imap_peer):
    imap_peer.deliver_many([make_message(f"batch {n}") for n in range(5)])
    client = client_for(imap_peer)
    client.select_folder("INBOX")
    uids = client.search()
    client.copy(uids[:2], "Archive")
    client.move([uids[2]], "Trash")
    assert client.search() == [uids[0], uids[1], uids[3], uids[4]]
    client.delete_messages(uids[:2])
    client.uid_expunge([uids[0]])  # UIDPLUS: only the UID named goes
    assert client.search() == [uids[1], uids[3], uids[4]]
    client.expunge()
    assert client.search() == [uids[3], uids[4]]
    client.unselect_folder()
    assert client.folder_status("Archive", [b"MESSAGES"])[b"MESSAGES"] == 2
    assert client.folder_status("Trash", [b"MESSAGES"])[b"MESSAGES"] == 1
    trash = client.select_folder("Trash")
    moved = client.fetch(client.search(), ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    assert [v[b"BODY[HEADER.FIELDS (SUBJECT)]"] for v in moved.values()] == [b"Subject: batch 2\r\n\r\n"]
    assert trash[b"EXISTS"] == 1
    client.close_folder()
    client.logout()


def test_bob_cannot_see_alice(imap_peer):
    imap_peer.deliver(make_message("private"))
    bob = client_for(imap_peer, user=BOB)
    assert "alice@example.test/INBOX" not in [name for _, _, name in bob.list_folders()]
    with pytest.raises(IMAPClientError):
        bob.select_folder("alice@example.test/INBOX")
    assert bob.select_folder("INBOX")[b"EXISTS"] == 0
    bob.logout()
