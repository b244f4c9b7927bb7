"""SORT, THREAD (RFC 5256), SORT=DISPLAY (RFC 5957) and QUOTA (RFC 9208) through imaplib and
imapclient. The SORT and THREAD answers are checked against Dovecot too
(FACTEUR_IMAP_PEER=dovecot), which proves the expected orders and trees are the RFC's, not ours.
The QUOTA tests are Facteur-only: the reference Dovecot runs without its quota plugin."""
import smtplib

import pytest

from imap_support import ALICE, PASSWORD, facteur_only, imap_peer  # noqa: F401 (fixture)

imapclient = pytest.importorskip("imapclient", reason="pip install imapclient")
from imapclient import IMAPClient  # noqa: E402


def mail(subject, sender, date, message_id, in_reply_to=None, references=None, padding=0) -> bytes:
    header = (f"From: {sender}\r\nTo: team@example.test\r\nSubject: {subject}\r\n"
              f"Message-ID: <{message_id}>\r\n")
    if date:
        header += f"Date: {date}\r\n"
    if in_reply_to:
        header += f"In-Reply-To: <{in_reply_to}>\r\n"
    if references:
        header += f"References: {references}\r\n"
    return (header + "\r\n" + "Hello.\r\n" + "x" * padding + "\r\n").encode()


# 1 original; 2 a reply by In-Reply-To (09:30 -0100 is 10:30 UTC, after 1); 3 no Date (sorts by its
# arrival, the latest); 4 a reply by References; 5 a forward of 1's subject with no references.
# Padding spaces the sizes far apart, whatever trace lines each server adds.
THREAD = [
    mail("Plans", "Zoe <zoe@example.net>", "Mon, 2 Mar 2026 10:00:00 +0000", "1@sort.test", padding=1000),
    mail("Re: Plans", "adam@example.net", "Mon, 2 Mar 2026 09:30:00 -0100", "2@sort.test",
         in_reply_to="1@sort.test", padding=5000),
    mail("Budget", '"Bob" <bob@example.net>', None, "3@sort.test"),
    mail("Re: Plans", "carol@example.net", "Mon, 2 Mar 2026 12:00:00 +0000", "4@sort.test",
         references="<1@sort.test> <2@sort.test>", padding=3000),
    mail("[fwd: Plans]", "dave@example.net", "Tue, 3 Mar 2026 08:00:00 +0000", "5@sort.test", padding=2000),
]


def capabilities(client) -> set[str]:
    """What the server announces once logged in (imaplib keeps the greeting's list)."""
    return set(client.capability()[1][0].decode().upper().split())


@pytest.fixture
def threaded(imap_peer):
    imap_peer.deliver_many(THREAD)
    return imap_peer


@pytest.mark.parametrize("program, expected", [
    ("(DATE)", b"1 2 4 5 3"),
    ("(REVERSE DATE)", b"3 5 4 2 1"),
    ("(ARRIVAL)", b"1 2 3 4 5"),
    ("(SUBJECT DATE)", b"3 1 2 4 5"),
    ("(FROM)", b"2 3 4 5 1"),
    ("(DISPLAYFROM)", b"2 3 4 5 1"),
    ("(SIZE)", b"3 1 5 4 2"),
    ("(REVERSE SIZE)", b"2 4 5 1 3"),
    ("(TO SUBJECT)", b"3 1 2 4 5"),
])
def test_imaplib_sort(threaded, program, expected):
    client = threaded.connect()
    assert {"SORT", "SORT=DISPLAY"} <= capabilities(client)
    client.select("INBOX")
    assert client.sort(program, "UTF-8", "ALL") == ("OK", [expected])
    client.logout()


def test_imaplib_sort_with_search_and_uid(threaded):
    client = threaded.connect()
    client.select("INBOX")
    assert client.sort("(SUBJECT)", "UTF-8", "FROM", "carol") == ("OK", [b"4"])
    status, data = client.sort("(SUBJECT)", "US-ASCII", "SUBJECT", "nothing-like-this")
    assert status == "OK" and not data[0]      # "* SORT" with no numbers
    status, data = client.uid("SORT", "(REVERSE DATE)", "UTF-8", "1:3")
    uids = client.uid("SEARCH", "1:3")[1][0].split()
    assert status == "OK" and data[0].split() == [uids[2], uids[1], uids[0]]
    client.logout()


def test_imaplib_thread(threaded):
    client = threaded.connect()
    assert {"THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT"} <= capabilities(client)
    client.select("INBOX")
    # 1 → 2 → 4 by references; 5 forwards "Plans", so it joins 1's thread by subject.
    assert client.thread("REFERENCES", "UTF-8", "ALL") == ("OK", [b"(1 (2 4)(5))(3)"])
    assert client.thread("ORDEREDSUBJECT", "UTF-8", "ALL") == ("OK", [b"(1 (2)(4)(5))(3)"])
    assert client.thread("REFERENCES", "UTF-8", "NOT", "FROM", "dave") == ("OK", [b"(1 2 4)(3)"])
    client.logout()


def test_imapclient_sort_and_thread(threaded):
    client = IMAPClient(threaded.host, port=threaded.imap_port, ssl=False, timeout=30)
    client.login(ALICE, PASSWORD)
    client.select_folder("INBOX")
    client.use_uid = False
    assert client.sort(["SUBJECT", "DATE"]) == [3, 1, 2, 4, 5]
    assert client.sort("REVERSE SIZE", ["NOT", "FROM", "zoe"]) == [2, 4, 5, 3]
    assert client.thread("REFERENCES") == ((1, (2, 4), (5,)), (3,))
    assert client.thread("ORDEREDSUBJECT") == ((1, (2,), (4,), (5,)), (3,))
    client.use_uid = True
    uids = client.search("ALL")
    assert client.sort("DATE") == [uids[i] for i in (0, 1, 3, 4, 2)]
    client.logout()


@facteur_only
def test_quota_through_imaplib_and_imapclient(imap_peer):
    imap_peer.deliver_many(THREAD[:2])
    client = imap_peer.connect()
    assert {"QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE"} <= capabilities(client)
    # No limit yet: INBOX has no quota root.
    status, data = client.getquotaroot("INBOX")
    assert status == "OK" and data == [[b'"INBOX"'], [None]]
    imap_peer.facteur.cli("user", "quota", ALICE, "--storage", "1M", "--messages", "10")
    status, data = client.getquotaroot("INBOX")
    assert status == "OK"
    assert data[0] == [b'"INBOX" ""']
    storage_kib = int(data[1][0].split(b"STORAGE ")[1].split(b" ")[0])
    assert 6 <= storage_kib <= 9
    assert data[1] == [b'"" (STORAGE %d 1024 MESSAGE 2 10)' % storage_kib]
    assert client.getquota('""') == ("OK", [b'"" (STORAGE %d 1024 MESSAGE 2 10)' % storage_kib])
    status, data = client.setquota('""', "(STORAGE 10)")
    assert status == "NO"
    client.logout()

    smart = IMAPClient(imap_peer.host, port=imap_peer.imap_port, ssl=False, timeout=30)
    smart.login(ALICE, PASSWORD)
    roots, quotas = smart.get_quota_root("INBOX")
    assert roots.quota_roots == [""]
    assert [(q.resource, q.usage, q.limit) for q in quotas] == [("STORAGE", storage_kib, 1024), ("MESSAGE", 2, 10)]
    smart.logout()


@facteur_only
def test_message_quota_refuses_delivery_and_append(imap_peer):
    imap_peer.facteur.cli("user", "quota", ALICE, "--messages", "2")
    assert "message quota 2" in imap_peer.facteur.cli("user", "list", "example.test").stdout
    imap_peer.deliver_many(THREAD[:2])
    # Full before the data: RFC 3463 X.2.2 "mailbox full", temporary at RCPT (space may free up).
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        imap_peer.deliver(THREAD[2])
    code, text = refused.value.recipients[ALICE]
    assert code == 452 and b"4.2.2" in text
    client = imap_peer.connect()
    status, data = client.append("INBOX", None, None, THREAD[2])
    assert status == "NO" and b"[OVERQUOTA]" in data[0]
    client.select("INBOX")
    status, data = client.copy("1", "Archive")
    assert status == "NO" and b"[OVERQUOTA]" in data[0]
    client.logout()
    # Lifting the cap ('none') lets mail in again; the older CLI form still sets storage alone.
    imap_peer.facteur.cli("user", "quota", ALICE, "--messages", "none")
    imap_peer.facteur.cli("user", "quota", ALICE, "5M")
    imap_peer.deliver(THREAD[2])
    listing = imap_peer.facteur.cli("user", "list", "example.test").stdout
    assert f"{ALICE}\t3 messages" in listing and "quota 5242880\tmessage quota unlimited" in listing
