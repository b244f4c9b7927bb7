"""IMAP against the real server with Python's imaplib (plain, STARTTLS, implicit TLS) and raw
sockets for what imaplib cannot say (IDLE, malformed commands). Runs against Facteur by default and
against a private Dovecot with FACTEUR_IMAP_PEER=dovecot; `facteur_specific` marks the assertions
only Facteur is held to."""
import datetime
import imaplib
import random
import re
import socket
import time

import pytest

from imap_support import (ALICE, BOB, SPECIAL_USE, UNVERIFIED, RawIMAP, encode_mutf7, facteur_only, facteur_specific,
                          imap_peer, make_message, response_code, split_delivered)  # noqa: F401 (fixture)

imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED"))

BASE_CAPABILITIES = {"IMAP4REV1", "LITERAL+", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT",
                     "CHILDREN", "LIST-EXTENDED", "SPECIAL-USE", "ESEARCH", "ID", "SASL-IR", "BINARY",
                     "CONDSTORE", "QRESYNC"}
FACTEUR_CAPABILITIES = BASE_CAPABILITIES | {"IMAP4REV2"}


def capabilities(client) -> set[str]:
    typ, data = client.capability()
    assert typ == "OK"
    return {word.upper() for word in data[0].decode().split()}


def literal(client, typ_data) -> bytes:
    """The single section value of a one-message FETCH answer: a literal, a quoted string (a
    server may send short values either way, RFC 9051 §4.3) or NIL (empty)."""
    typ, data = typ_data
    assert typ == "OK", data
    parts = [item for item in data if isinstance(item, tuple)]
    if parts:
        assert len(parts) == 1, data
        return parts[0][1]
    lines = [item for item in data if item]
    assert len(lines) == 1, data
    match = re.search(rb'\](?:<\d+>)? (NIL|"((?:[^"\\]|\\.)*)")\)?$', lines[0])
    assert match, data
    if match.group(1) == b"NIL":
        return b""
    return re.sub(rb"\\(.)", rb"\1", match.group(2))


def fetch_text(typ_data) -> str:
    """A FETCH answer as one string (literals inlined), for the items without literals."""
    typ, data = typ_data
    assert typ == "OK", data
    out = []
    for item in data:
        if isinstance(item, tuple):
            out.append(item[0].decode(errors="replace") + item[1].decode(errors="replace"))
        elif item is not None:
            out.append(item.decode(errors="replace"))
    return "\n".join(out)


def list_lines(client, *args) -> dict[str, set[str]]:
    """LIST answer as {decoded-as-sent mailbox name: attributes}, checking the "/" delimiter."""
    typ, data = client.list(*args) if args else client.list()
    assert typ == "OK", data
    result = {}
    for line in data:
        if line is None:
            continue
        if isinstance(line, tuple):  # name sent as a literal
            head, name = line[0].decode(), line[1].decode()
        else:
            head, name = line.decode(), None
        match = re.match(r'\(([^)]*)\) (NIL|"(?:[^"\\]|\\.)*") ?(.*)$', head)
        assert match, line
        assert match.group(2) == '"/"', line
        if name is None:
            name = match.group(3)
            if name.startswith('"'):
                name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        result[name] = {a.lower() for a in match.group(1).split()}
    return result


def select_info(client, mailbox="INBOX", readonly=False) -> dict:
    typ, data = client.select(mailbox, readonly)
    assert typ == "OK", data
    info = {"exists": int(data[0])}
    for code in ("UIDVALIDITY", "UIDNEXT", "PERMANENTFLAGS", "FLAGS", "READ-ONLY", "READ-WRITE"):
        typ, value = client.response(code)
        info[code] = value[0] if value and value[0] is not None else None
    return info


def login_fails(peer, password) -> str:
    client = peer.connect(None)
    with pytest.raises(imaplib.IMAP4.error) as failure:
        client.login(ALICE, password)
    client.logout()
    return str(failure.value)


def test_capability_login_and_logout(imap_peer):
    client = imap_peer.connect(None)
    before = capabilities(client)
    assert {"IMAP4REV1", "STARTTLS", "AUTH=PLAIN", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE"} <= before
    assert "LOGINDISABLED" not in before  # loopback: plaintext login allowed
    if facteur_specific("Dovecot 2.3 does not offer IMAP4rev2"):
        assert "IMAP4REV2" in before
    typ, _ = client.login(ALICE, "secret")
    assert typ == "OK"
    after = capabilities(client)
    assert BASE_CAPABILITIES <= after, BASE_CAPABILITIES - after
    if facteur_specific("Dovecot keeps advertising STARTTLS after LOGIN"):
        assert "STARTTLS" not in after  # RFC 9051 §6.2.1: only valid before authentication
    if facteur_specific("Dovecot 2.3 does not offer IMAP4rev2"):
        assert FACTEUR_CAPABILITIES <= after, FACTEUR_CAPABILITIES - after
    typ, data = client.namespace()
    assert typ == "OK" and b'(("" "/"))' in data[0], data
    typ, data = client._simple_command("ID", "NIL")
    assert typ == "OK"
    typ, data = client.logout()
    assert typ == "BYE"
    # Last: both servers slow down further attempts from an address after a failure.
    assert "[AUTHENTICATIONFAILED]" in login_fails(imap_peer, "wrong")


def test_starttls_and_imaps(imap_peer):
    imap_peer.deliver(make_message("tls check"))
    client = imap_peer.connect(None, tls="starttls")
    assert "STARTTLS" not in capabilities(client)
    client.login(ALICE, "secret")
    assert select_info(client)["exists"] == 1
    client.logout()
    secure = imap_peer.connect(ALICE, tls="implicit")
    assert "STARTTLS" not in capabilities(secure)
    assert select_info(secure)["exists"] == 1
    assert b"Subject: tls check" in literal(secure, secure.fetch("1", "(BODY.PEEK[HEADER])"))
    secure.logout()


def test_list_lsub_and_special_use(imap_peer):
    client = imap_peer.connect()
    boxes = list_lines(client, '""', "*")
    assert {"INBOX", *SPECIAL_USE} <= set(boxes), boxes
    for name, attribute in SPECIAL_USE.items():
        assert attribute.lower() in boxes[name], (name, boxes[name])
    typ, data = client.list('""', '""')
    assert typ == "OK" and data[0].lower().startswith(b"(\\noselect") and b'"/"' in data[0], data
    typ, data = client._simple_command("LIST", '""', "*", "RETURN", "(SPECIAL-USE)")
    assert typ == "OK"
    typ, data = client._untagged_response(typ, data, "LIST")
    special = {line.decode().rsplit(" ", 1)[1].strip('"'): line.decode() for line in data if line}
    assert "\\Sent" in special["Sent"] and "\\Junk" in special["Junk"], special
    typ, data = client._simple_command("LIST", "(SPECIAL-USE)", '""', "*")
    assert typ == "OK"
    typ, data = client._untagged_response(typ, data, "LIST")
    names = {line.decode().rsplit(" ", 1)[1].strip('"') for line in data if line}
    assert set(SPECIAL_USE) <= names and "INBOX" not in names, names
    assert list_lines(client, '""', "Tr%") == {"Trash": boxes["Trash"]}
    client.create("Lists")
    client.subscribe("Lists")
    typ, data = client.lsub('""', "*")
    assert typ == "OK" and any(line.endswith(b"Lists") or line.endswith(b'"Lists"') for line in data), data
    client.unsubscribe("Lists")
    typ, data = client.lsub('""', "Lists")
    assert typ == "OK" and data == [None], data
    client.logout()


def test_create_rename_delete_nested_and_non_ascii(imap_peer):
    client = imap_peer.connect()
    typ, data = client.create("Projects/2026/Q1")
    assert typ == "OK", data
    boxes = list_lines(client, '""', "Projects*")
    assert {"Projects", "Projects/2026", "Projects/2026/Q1"} <= set(boxes), boxes
    assert "\\haschildren" in boxes["Projects/2026"] and "\\hasnochildren" in boxes["Projects/2026/Q1"]
    assert list_lines(client, '""', "Projects/%") == {"Projects/2026": boxes["Projects/2026"]}
    assert client.create("Projects/2026/Q1")[0] == "NO"
    assert client.create("INBOX")[0] == "NO"
    # Renaming a parent moves its children (RFC 3501 §6.3.5).
    client.append("Projects/2026/Q1", None, None, make_message("in q1"))
    typ, data = client.rename("Projects/2026", "Projects/2027")
    assert typ == "OK", data
    boxes = list_lines(client, '""', "Projects*")
    assert "Projects/2027/Q1" in boxes and "Projects/2026/Q1" not in boxes and "Projects/2026" not in boxes, boxes
    assert client.status("Projects/2027/Q1", "(MESSAGES)")[1][0].endswith(b"(MESSAGES 1)")
    client.create("Existing")
    assert client.rename("Projects/2027/Q1", "Existing")[0] == "NO"  # target exists
    assert client.rename("Nowhere", "Somewhere")[0] == "NO"
    # Non-ASCII names travel in modified UTF-7 (IMAP4rev1).
    name = "Réunions/Café & Thé"
    wire = encode_mutf7(name)
    assert wire == "R&AOk-unions/Caf&AOk- &- Th&AOk-"
    typ, data = client.create('"' + wire + '"')
    assert typ == "OK", data
    assert wire in list_lines(client, '""', "R*")
    typ, data = client.subscribe('"' + wire + '"')
    assert typ == "OK"
    typ, data = client.lsub('""', "R*")
    assert any(wire.encode() in line for line in data if line), data
    typ, data = client.status('"' + wire + '"', "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
    assert typ == "OK" and b"MESSAGES 0" in data[0] and b"UNSEEN 0" in data[0] and b"UIDNEXT 1" in data[0], data
    assert client.delete('"' + wire + '"')[0] == "OK"
    assert wire not in list_lines(client, '""', "*")
    assert client.delete("INBOX")[0] == "NO"
    assert client.delete("Projects/2027/Q1")[0] == "OK"
    assert "Projects/2027/Q1" not in list_lines(client, '""', "*")
    assert client.select("Projects/2027/Q1")[0] == "NO"
    client.logout()


def test_status_select_and_examine(imap_peer):
    imap_peer.deliver_many([make_message(f"select {n}") for n in range(3)])
    client = imap_peer.connect()
    typ, data = client.status("INBOX", "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)")
    assert typ == "OK" and b"MESSAGES 3" in data[0] and b"UNSEEN 3" in data[0] and b"UIDNEXT 4" in data[0], data
    info = select_info(client)
    assert info["exists"] == 3
    for flag in (b"\\Seen", b"\\Answered", b"\\Flagged", b"\\Deleted", b"\\Draft"):
        assert flag in info["FLAGS"] and flag in info["PERMANENTFLAGS"]
    assert b"\\*" in info["PERMANENTFLAGS"]
    assert int(info["UIDVALIDITY"]) > 0 and int(info["UIDNEXT"]) == 4
    validity = int(info["UIDVALIDITY"])
    typ, data = client.fetch("1:*", "(UID)")
    assert [int(re.search(rb"UID (\d+)", line).group(1)) for line in data] == [1, 2, 3]
    client.close()
    ro = select_info(client, "INBOX", readonly=True)
    assert ro["exists"] == 3 and int(ro["UIDVALIDITY"]) == validity
    assert client.store("1", "+FLAGS", "(\\Flagged)")[0] in ("OK", "NO")  # Dovecot: OK, ignored
    assert client.fetch("1", "(FLAGS)")[1][0].count(b"\\Flagged") == 0
    # EXAMINE never sets \Seen, even on BODY[].
    literal(client, client.fetch("1", "(BODY[])"))
    assert b"\\Seen" not in client.fetch("1", "(FLAGS)")[1][0]
    client.logout()
    raw = imap_peer.raw()
    assert b"[READ-WRITE]" in raw.command("SELECT INBOX")[1]
    assert b"[READ-ONLY]" in raw.command("EXAMINE INBOX")[1]
    raw.close()


def test_append_flags_date_and_appenduid(imap_peer):
    client = imap_peer.connect()
    raw = make_message("appended draft", body="Draft body\r\n.with dot\r\n")
    typ, data = client.append("Drafts", "(\\Draft \\Seen $Pending)", '"01-Jan-2026 10:20:30 +0100"', raw)
    assert typ == "OK", data
    appenduid = response_code(data, "APPENDUID")
    assert appenduid is not None and len(appenduid) == 2, data
    info = select_info(client, "Drafts")
    assert info["exists"] == 1 and int(appenduid[0]) == int(info["UIDVALIDITY"])
    uid = appenduid[1]
    text = fetch_text(client.uid("FETCH", uid, "(FLAGS INTERNALDATE RFC822.SIZE)"))
    assert "\\Draft" in text and "\\Seen" in text and "$Pending" in text, text
    internal = re.search(r'INTERNALDATE "([^"]+)"', text).group(1)
    # The same instant; the zone it is shown in is the server's choice.
    assert datetime.datetime.strptime(internal, "%d-%b-%Y %H:%M:%S %z") == datetime.datetime(
        2026, 1, 1, 9, 20, 30, tzinfo=datetime.timezone.utc), internal
    assert f"RFC822.SIZE {len(raw)}" in text
    assert literal(client, client.uid("FETCH", uid, "(BODY.PEEK[])")) == raw  # APPEND stores exactly
    # A second APPEND gets the next UID; APPEND to a missing mailbox says TRYCREATE.
    typ, data = client.append("Drafts", None, None, make_message("second"))
    assert int(response_code(data, "APPENDUID")[1]) > int(uid)
    typ, data = client.append("NoSuchBox", None, None, raw)
    assert typ == "NO" and response_code(data, "TRYCREATE") is not None, data
    client.logout()


MULTIPART = ("From: =?utf-8?q?Zo=C3=AB?= <zoe@remote.test>\r\nTo: Alice <alice@example.test>\r\n"
             "Cc: bob@example.test\r\nSubject: Quarterly report\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
             "Message-ID: <quarterly@remote.test>\r\nMIME-Version: 1.0\r\n"
             'Content-Type: multipart/mixed; boundary="outer"\r\n\r\npreamble\r\n--outer\r\n'
             "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
             "Numbers are up. Café.\r\n--outer\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgc=\r\n--outer--\r\n").encode()


def test_fetch_items(imap_peer):
    imap_peer.deliver(MULTIPART)
    client = imap_peer.connect()
    select_info(client)
    envelope = fetch_text(client.fetch("1", "(ENVELOPE)"))
    assert '"Quarterly report"' in envelope and '"<quarterly@remote.test>"' in envelope, envelope
    assert '(NIL NIL "zoe" "remote.test")' in envelope or '("=?utf-8?q?Zo=C3=AB?=" NIL "zoe" "remote.test")' in envelope
    assert '("Alice" NIL "alice" "example.test")' in envelope and '(NIL NIL "bob" "example.test")' in envelope
    structure = fetch_text(client.fetch("1", "(BODYSTRUCTURE)")).lower()
    assert '"mixed"' in structure and '("boundary" "outer")' in structure, structure
    assert '("text" "plain" ("charset" "utf-8") nil nil "8bit"' in structure, structure
    assert '"application" "octet-stream" ("name" "a.bin") nil nil "base64" 12' in structure, structure
    body = fetch_text(client.fetch("1", "(BODY)")).lower()
    assert "body (" in body and '"mixed"' in body
    header = literal(client, client.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
    assert header == b"Subject: Quarterly report\r\n\r\n", header
    assert b"\\Seen" not in client.fetch("1", "(FLAGS)")[1][0]
    assert literal(client, client.fetch("1", "(BODY.PEEK[1])")) == "Numbers are up. Café.".encode()
    assert literal(client, client.fetch("1", "(BODY.PEEK[2])")) == b"AAECAwQFBgc="
    assert b"Content-Type: text/plain" in literal(client, client.fetch("1", "(BODY.PEEK[1.MIME])"))
    full = literal(client, client.fetch("1", "(BODY[])"))
    split_delivered(full, MULTIPART)
    assert b"\\Seen" in client.fetch("1", "(FLAGS)")[1][0]  # BODY[] sets \Seen
    size = int(re.search(rb"RFC822.SIZE (\d+)", client.fetch("1", "(RFC822.SIZE)")[1][0]).group(1))
    assert size == len(full)
    assert literal(client, client.fetch("1", "(BODY.PEEK[]<0.100>)")) == full[:100]
    assert literal(client, client.fetch("1", f"(BODY.PEEK[]<{size - 10}.100>)")) == full[-10:]
    assert literal(client, client.fetch("1", "(BODY.PEEK[TEXT])")) == full[full.index(b"\r\n\r\n") + 4:]
    assert literal(client, client.fetch("1", "(BINARY.PEEK[2])")) == bytes(range(8))
    client.logout()


def test_two_megabyte_message_is_byte_exact(imap_peer):
    rng = random.Random(3)
    lines = ["".join(rng.choice("abcdefghij KLMNOP.=-") for _ in range(rng.randint(0, 200))) for _ in range(20_000)]
    body = "\r\n".join(line.lstrip(".") for line in lines) + "\r\n"
    raw = make_message("big one", body=body)[:2_100_000]
    raw = raw[:raw.rindex(b"\r\n") + 2]
    assert len(raw) > 2_000_000
    imap_peer.deliver(raw)
    client = imap_peer.connect()
    select_info(client)
    fetched = literal(client, client.uid("FETCH", "1", "(BODY.PEEK[])"))
    prefix = split_delivered(fetched, raw)
    piece = literal(client, client.fetch("1", "(BODY.PEEK[]<1000000.100>)"))
    assert piece == fetched[1_000_000:1_000_100]
    # What APPEND stores comes back exactly, prefix-free.
    typ, data = client.append("Archive", None, None, raw)
    assert typ == "OK", data
    select_info(client, "Archive")
    assert literal(client, client.fetch("1", "(BODY.PEEK[])")) == raw
    assert len(prefix) < 1000
    client.logout()


def flags_of(client, seq: str) -> set[str]:
    text = fetch_text(client.fetch(seq, "(FLAGS)"))
    return set(re.search(r"FLAGS \(([^)]*)\)", text).group(1).split()) - {"\\Recent"}


def test_store_flags_and_keywords(imap_peer):
    imap_peer.deliver_many([make_message(f"flag {n}") for n in range(3)])
    client = imap_peer.connect()
    select_info(client)
    typ, data = client.store("1:2", "+FLAGS", "(\\Flagged \\Seen)")
    assert typ == "OK" and len([d for d in data if d]) == 2, data
    assert {"\\Flagged", "\\Seen"} <= flags_of(client, "1")
    typ, data = client.store("1", "-FLAGS", "(\\Flagged)")
    assert typ == "OK" and b"\\Flagged" not in data[0]
    assert "\\Flagged" not in flags_of(client, "1") and "\\Seen" in flags_of(client, "1")
    typ, data = client.store("3", "+FLAGS.SILENT", "(\\Answered)")
    assert typ == "OK" and data == [None], data  # .SILENT: no FETCH back
    assert "\\Answered" in flags_of(client, "3")
    typ, data = client.store("2", "FLAGS", "(project-x $Label1)")
    assert typ == "OK"
    assert flags_of(client, "2") == {"project-x", "$Label1"}
    typ, data = client.uid("STORE", "3", "+FLAGS", "(\\Deleted)")
    assert typ == "OK" and b"UID 3" in data[0], data
    # Flags survive a new session.
    client.logout()
    client = imap_peer.connect()
    select_info(client)
    assert flags_of(client, "2") == {"project-x", "$Label1"}
    assert {"\\Answered", "\\Deleted"} <= flags_of(client, "3")
    typ, data = client.search(None, "KEYWORD", "project-x")
    assert data == [b"2"]
    client.logout()


def search(client, *criteria, charset=None, uid=False, literal_value: bytes | None = None) -> list[int]:
    if literal_value is not None:
        client.literal = literal_value
    if uid:
        typ, data = client.uid("SEARCH", *(["CHARSET", charset] if charset else []), *criteria)
    else:
        typ, data = client.search(charset, *criteria)
    assert typ == "OK", data
    return [int(n) for n in data[0].split()]


def test_search(imap_peer):
    messages = [
        make_message("Lunch on Friday", sender="carol@remote.test", body="Shall we meet at noon?\r\n"),
        make_message("Invoice 2026-11", sender="billing@shop.test", body="Amount due: 42 EUR\r\n"),
        make_message("=?utf-8?q?R=C3=A9union_d=27=C3=A9quipe?=", sender="dave@remote.test",
                     body="Ordre du jour: café et croissants.\r\n",
                     extra_headers="MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                   "Content-Transfer-Encoding: 8bit\r\n", message_id="reunion@remote.test"),
        make_message("Re: Lunch on Friday", sender="dave@remote.test", body="Noon works. Zanzibar?\r\n"),
        make_message("Newsletter", sender="news@list.test", body="Nothing about lunch here.\r\n"),
    ]
    imap_peer.deliver_many(messages)
    client = imap_peer.connect()
    select_info(client)
    client.store("1,3", "+FLAGS", "(\\Seen)")
    assert search(client, "ALL") == [1, 2, 3, 4, 5]
    assert search(client, "FROM", "dave") == [3, 4]
    assert search(client, "FROM", '"carol@remote.test"') == [1]
    assert search(client, "SUBJECT", "lunch") == [1, 4]
    assert search(client, "UNSEEN") == [2, 4, 5]
    assert search(client, "SEEN", "FROM", "dave") == [3]
    assert search(client, "BODY", "zanzibar") == [4]
    assert search(client, "BODY", "invoice") == []  # only in the subject
    assert search(client, "TEXT", "invoice") == [2]  # TEXT covers the header too
    assert search(client, "TEXT", "lunch") == [1, 4, 5]
    assert search(client, "OR", "FROM", "carol", "FROM", "news") == [1, 5]
    assert search(client, "NOT", "FROM", "dave") == [1, 2, 5]
    assert search(client, "2:4", "NOT", "SEEN") == [2, 4]
    assert search(client, "UID", "2:3") == [2, 3]
    assert search(client, "UID", "4:*", uid=True) == [4, 5]
    assert search(client, "LARGER", "1", "SMALLER", "100000") == [1, 2, 3, 4, 5]
    assert search(client, "HEADER", "Message-ID", "reunion") == [3]
    assert search(client, "SINCE", "1-Jan-2020") == [1, 2, 3, 4, 5]
    assert search(client, "SENTBEFORE", "1-Jan-2020") == []
    # Non-ASCII criteria as a UTF-8 literal: decoded body and RFC 2047 subject both match.
    assert search(client, "BODY", charset="UTF-8", literal_value="café".encode()) == [3]
    assert search(client, "SUBJECT", charset="UTF-8", literal_value="Réunion".encode()) == [3]
    assert search(client, "TEXT", charset="UTF-8", literal_value="équipe".encode()) == [3]
    assert search(client, "BODY", charset="UTF-8", literal_value="garçon".encode()) == []
    typ, data = client.search("X-NO-SUCH-CHARSET", "BODY", "x")
    assert typ == "NO" and response_code(data, "BADCHARSET") is not None, data
    client.logout()
    # RFC 4731 ESEARCH result options.
    raw = imap_peer.raw()
    raw.ok("SELECT INBOX")
    untagged, tagged = raw.command("UID SEARCH RETURN (MIN MAX COUNT ALL) FROM dave")
    assert tagged.split(b" ")[1] == b"OK", tagged
    assert esearch(untagged, tagged) == {"UID": "", "MIN": "3", "MAX": "4", "COUNT": "2", "ALL": ("3:4", "3,4")}
    untagged, tagged = raw.command("SEARCH RETURN (COUNT) FROM nobody-at-all")
    assert esearch(untagged, tagged) == {"COUNT": "0"}
    raw.close()


def esearch(untagged: list[bytes], tagged: bytes) -> dict:
    """The one ESEARCH answer to the command tagged `tagged`, as {item: value}; a value that may
    legitimately be written two ways comes back as the tuple of both when it matches either."""
    tag = tagged.split(b" ")[0].decode()
    lines = [line.decode() for line in untagged if line.upper().startswith(b"* ESEARCH")]
    assert len(lines) == 1, untagged
    rest = lines[0][len("* ESEARCH"):].strip()
    correlator = re.match(r'\(TAG "([^"]*)"\) ?', rest, re.I)
    assert correlator and correlator.group(1) == tag, lines[0]
    words = rest[correlator.end():].split()
    result = {}
    while words:
        name = words.pop(0).upper()
        result[name] = "" if name == "UID" else words.pop(0)
    if result.get("ALL") in ("3:4", "3,4"):
        result["ALL"] = ("3:4", "3,4")
    return result


def test_copy_move_expunge_close_unselect(imap_peer):
    imap_peer.deliver_many([make_message(f"move {n}") for n in range(6)])
    client = imap_peer.connect()
    select_info(client)
    archive_validity = int(re.search(rb"UIDVALIDITY (\d+)", client.status("Archive", "(UIDVALIDITY)")[1][0]).group(1))
    typ, data = client.copy("1:2", "Archive")
    assert typ == "OK", data
    copyuid = response_code(data, "COPYUID")
    assert copyuid == [str(archive_validity), "1:2", "1:2"] or copyuid == [str(archive_validity), "1,2", "1,2"], data
    client.untagged_responses.clear()
    typ, data = client.uid("MOVE", "3", "Trash")
    assert typ == "OK", data
    moved = response_code(client.untagged_responses.get("OK", []) + data, "COPYUID")
    assert moved is not None and moved[1] == "3", (client.untagged_responses, data)
    assert client.untagged_responses.get("EXPUNGE") == [b"3"]
    assert select_info(client)["exists"] == 5
    assert client.copy("1", "NoSuchBox")[0] == "NO"
    # EXPUNGE removes every \Deleted message, UID EXPUNGE only the UIDs named.
    client.store("1:2", "+FLAGS.SILENT", "(\\Deleted)")
    typ, data = client.uid("EXPUNGE", "2")
    assert typ == "OK"
    uids = [int(re.search(rb"UID (\d+)", line).group(1)) for line in client.fetch("1:*", "(UID)")[1]]
    assert uids == [1, 4, 5, 6]
    client.untagged_responses.clear()
    typ, data = client.expunge()
    assert typ == "OK" and data == [b"1"], data
    assert select_info(client)["exists"] == 3
    # UNSELECT leaves \Deleted messages; CLOSE expunges them silently.
    client.store("1", "+FLAGS.SILENT", "(\\Deleted)")
    assert client.unselect()[0] == "OK"
    assert select_info(client)["exists"] == 3
    client.untagged_responses.clear()
    assert client.close()[0] == "OK"
    assert "EXPUNGE" not in client.untagged_responses
    assert client.status("INBOX", "(MESSAGES)")[1][0].endswith(b"(MESSAGES 2)")
    assert client.status("Archive", "(MESSAGES)")[1][0].endswith(b"(MESSAGES 2)")
    assert client.status("Trash", "(MESSAGES)")[1][0].endswith(b"(MESSAGES 1)")
    client.logout()


def test_noop_shows_another_sessions_append_and_flags(imap_peer):
    imap_peer.deliver(make_message("first"))
    watcher = imap_peer.connect()
    select_info(watcher)
    writer = imap_peer.connect()
    writer.append("INBOX", None, None, make_message("from the other session"))
    writer.select("INBOX")
    writer.store("1", "+FLAGS", "(\\Flagged)")
    watcher.untagged_responses.clear()
    assert watcher.noop()[0] == "OK"
    assert watcher.untagged_responses.get("EXISTS") == [b"2"], watcher.untagged_responses
    assert any(b"\\Flagged" in line for line in watcher.untagged_responses.get("FETCH", [])), watcher.untagged_responses
    writer.store("2", "+FLAGS", "(\\Deleted)")
    writer.expunge()
    watcher.untagged_responses.clear()
    watcher.noop()
    assert watcher.untagged_responses.get("EXPUNGE") == [b"2"], watcher.untagged_responses
    writer.logout()
    watcher.logout()


def wait_for(raw: RawIMAP, pattern: bytes, seconds: float) -> bytes:
    deadline = time.time() + seconds
    while True:
        line = raw.line(deadline - time.time())
        if line is None:
            raise AssertionError(f"no {pattern!r} within {seconds}s")
        if re.search(pattern, line):
            return line


def test_idle_sees_delivery_and_flag_changes_within_a_second(imap_peer):
    imap_peer.deliver(make_message("before idle"))
    raw = imap_peer.raw()
    raw.ok("SELECT INBOX")
    raw.send(b"i1 IDLE\r\n")
    assert raw.line(10).startswith(b"+")
    imap_peer.deliver(make_message("during idle"))
    wait_for(raw, rb"^\* 2 EXISTS", 1.0)
    other = imap_peer.connect()
    other.select("INBOX")
    other.store("1", "+FLAGS", "(\\Flagged)")
    line = wait_for(raw, rb"^\* 1 FETCH", 1.0)
    assert b"\\Flagged" in line
    other.append("INBOX", None, None, make_message("appended during idle"))
    wait_for(raw, rb"^\* 3 EXISTS", 1.0)
    raw.send(b"DONE\r\n")
    _, tagged = raw.until_tagged("i1", 10)
    assert tagged.startswith(b"i1 OK"), tagged
    assert raw.status("NOOP") == "OK"
    other.logout()
    raw.ok("LOGOUT")
    raw.close()


@facteur_only
def test_imap4rev2_enable_esearch_and_utf8_names(imap_peer):
    imap_peer.deliver_many([make_message("one", sender="carol@remote.test"), make_message("two"),
                            make_message("three", sender="carol@remote.test")])
    raw = imap_peer.raw()
    untagged = raw.ok("ENABLE IMAP4rev2")
    assert any(line.upper() == b"* ENABLED IMAP4REV2" for line in untagged), untagged
    raw.ok("SELECT INBOX")
    # RFC 9051 §6.4.4: after ENABLE IMAP4rev2, SEARCH answers with ESEARCH (ALL implied).
    untagged, tagged = raw.command("SEARCH FROM carol")
    assert not any(line.startswith(b"* SEARCH") for line in untagged), untagged
    assert esearch(untagged, tagged) == {"ALL": "1,3"}
    untagged, tagged = raw.command("UID SEARCH FROM nobody-at-all")
    assert esearch(untagged, tagged) == {"UID": ""}  # no match: ESEARCH all the same, without ALL
    # UTF-8 mailbox names travel as they are (RFC 9051 §5.1), and as modified UTF-7 to rev1 clients.
    raw.ok('CREATE "Réunions"'.encode())
    untagged = raw.ok('LIST "" "R*"')
    assert any(line.endswith('"Réunions"'.encode()) or line.endswith("Réunions".encode()) for line in untagged), untagged
    raw.close()
    rev1 = imap_peer.raw()
    untagged = rev1.ok('LIST "" "R*"')
    assert any(line.endswith(b"R&AOk-unions") or line.endswith(b'"R&AOk-unions"') for line in untagged), untagged
    rev1.close()


def test_starttls_discards_pipelined_plaintext(imap_peer):
    """Commands sent in clear after STARTTLS, in the same packet, must never run inside TLS
    (the command-injection flaw of CVE-2011-0411 and its IMAP cousins)."""
    sock = socket.create_connection((imap_peer.host, imap_peer.imap_port), timeout=10)
    reader = sock.makefile("rb")
    assert reader.readline().startswith(b"* OK")
    sock.sendall(b"S1 STARTTLS\r\nX1 SELECT INBOX\r\n")
    line = reader.readline()
    assert line.startswith(b"S1 OK"), line
    try:
        secure = UNVERIFIED.wrap_socket(sock, server_hostname="localhost")
    except OSError:  # ssl.SSLError included
        return  # the server refused to go on: safe
    try:
        secure.sendall(b"X2 NOOP\r\n")
        seen = b""
        while b"X2 " not in seen:
            chunk = secure.recv(65536)
            if not chunk:
                break
            seen += chunk
    except OSError:
        return
    assert b"X1 " not in seen and b"EXISTS" not in seen, seen
    secure.close()


def answered(raw: RawIMAP, command: bytes, timeout: float = 30) -> str:
    """The tagged status of a command whose reply may be a tagged BAD or a BYE-and-close."""
    tag = raw.tag()
    try:
        raw.send(tag.encode() + b" " + command + b"\r\n")
        untagged, tagged = raw.until_tagged(tag, timeout)
    except OSError:  # ConnectionError included: a BYE and close, or closed mid-send
        return "CLOSED"
    return tagged.split(b" ")[1].decode()


def test_commands_before_login_are_refused(imap_peer):
    imap_peer.deliver(make_message("secret"))
    raw = imap_peer.raw(user=None)
    for command in ("SELECT INBOX", "EXAMINE INBOX", "LIST \"\" *", "STATUS INBOX (MESSAGES)", "FETCH 1 BODY[]",
                    "APPEND INBOX {3+}\r\nabc", "CREATE x", "LSUB \"\" *", "IDLE", "UID FETCH 1 BODY[]"):
        # Refused, or the connection closed (Dovecot hangs up after 3 bad commands before login).
        tag = raw.tag()
        raw.send(f"{tag} {command}\r\n".encode())
        try:
            untagged, tagged = raw.until_tagged(tag)
        except ConnectionError:
            raw.close()
            raw = imap_peer.raw(user=None)
            continue
        assert tagged.split(b" ")[1] in (b"BAD", b"NO"), (command, tagged)
        assert not any(b"secret" in line.lower() or b"EXISTS" in line for line in untagged), untagged
    assert raw.status("NOOP") == "OK"
    raw.ok(f"LOGIN {ALICE} secret")
    assert raw.status("SELECT INBOX") == "OK"
    raw.close()


def test_malformed_and_oversized_input(imap_peer):
    imap_peer.deliver_many([make_message("one"), make_message("two")])
    raw = imap_peer.raw()
    raw.ok("SELECT INBOX")
    untagged, tagged = raw.command("FETCH 1:4294967295 FLAGS")
    assert tagged.split(b" ")[1] in (b"OK", b"BAD", b"NO"), tagged
    assert len([line for line in untagged if b" FETCH " in line]) <= 2
    assert len([line for line in raw.ok("UID FETCH 1:4294967295 FLAGS") if b" FETCH " in line]) == 2
    for bad in ("FETCH 1 (FLAGS", "FETCH 1 FLAGS)", "SEARCH (OR FROM a", "FETCH 1 BODY[", "STORE 1 +FLAGS (\\Seen",
                "FETCH 0 FLAGS", "FETCH 4294967296 FLAGS", "FETCH * (FLAGS))", "FROBNICATE"):
        assert raw.status(bad) == "BAD", bad
    assert raw.status("NOOP") == "OK"
    # A deep section path on a simple message: answered (empty, NIL or refused), never a hang or crash.
    depth = ".".join(str(n) for n in range(1, 60))
    assert answered(raw, f"FETCH 1 BODY.PEEK[{depth}]".encode()) in ("OK", "NO", "BAD")
    assert answered(raw, f"FETCH 1 BODY.PEEK[{'1.' * 2000}1]".encode()) in ("OK", "NO", "BAD", "CLOSED")
    raw.close()
    raw = imap_peer.raw()
    assert raw.status("SELECT") == "BAD"
    raw.close()
    # A synchronizing literal past the limit is refused before any "+": no bytes need be sent.
    raw = imap_peer.raw()
    raw.send(b"L1 SELECT {100000000}\r\n")
    line = raw.line(10)
    assert line is not None and not line.startswith(b"+"), line
    assert line.startswith(b"L1 BAD") or line.startswith(b"L1 NO") or line.startswith(b"* BYE"), line
    if line.startswith(b"* BYE"):
        with pytest.raises((ConnectionError, OSError)):
            raw.line(10)
    else:
        assert raw.status("NOOP") == "OK"
    raw.close()
    # An overlong command line: refused, and the session survives or ends cleanly.
    raw = imap_peer.raw()
    status = answered(raw, b"SEARCH " + b"SUBJECT x " * 30_000)
    assert status in ("BAD", "NO", "CLOSED"), status
    if status != "CLOSED":
        assert raw.status("NOOP") == "OK"
    raw.close()
    if facteur_specific("Dovecot has no APPEND size limit without the quota plugin"):
        raw = imap_peer.raw()
        raw.send(b"A1 APPEND INBOX {60000000}\r\n")
        line = raw.line(10)
        assert (line.startswith(b"A1 NO") and b"[TOOBIG]" in line) or line.startswith(b"A1 BAD"), line
        assert raw.status("NOOP") == "OK"
        raw.close()


def test_other_accounts_mailboxes_are_never_reachable(imap_peer):
    imap_peer.deliver(make_message("for bob only", to=BOB), to=BOB)
    bob = imap_peer.connect(BOB)
    bob.create("BobSecret")
    bob.logout()
    raw = imap_peer.raw()
    for name in ('"bob@example.test/INBOX"', '"bob@example.test"', '"../bob@example.test/INBOX"', '"../BobSecret"',
                 '"INBOX/../../bob@example.test/INBOX"', '"~bob/INBOX"', '"/BobSecret"', '"#shared/bob/INBOX"',
                 '"BobSecret"', '"%2e%2e/BobSecret"', '"#user/bob@example.test/INBOX"'):
        for command in ("SELECT", "EXAMINE", "STATUS {} (MESSAGES)", "DELETE", "APPEND {} {{3+}}\r\nabc"):
            text = f"{command.format(name)}" if "{}" in command else f"{command} {name}"
            untagged, tagged = raw.command(text)
            assert tagged.split(b" ")[1] in (b"NO", b"BAD"), (text, tagged)
            assert not any(b"MESSAGES 1" in line or b"EXISTS" in line for line in untagged), (text, untagged)
        untagged, tagged = raw.command(f"RENAME {name} Stolen")
        assert tagged.split(b" ")[1] in (b"NO", b"BAD"), tagged
    for reference, pattern in (('""', "*"), ('"../"', "*"), ('""', "../*"), ('"~bob/"', "*"), ('""', "#*"),
                               ('"/"', "*"), ('""', "%/%")):
        untagged, tagged = raw.command(f"LIST {reference} {pattern}")
        assert not any(b"BobSecret" in line or b"bob@" in line for line in untagged), (reference, pattern, untagged)
    raw.ok("SELECT INBOX")
    assert raw.ok("SEARCH ALL") == [b"* SEARCH"]
    raw.close()
    # Bob's own view is intact.
    bob = imap_peer.connect(BOB)
    assert select_info(bob)["exists"] == 1 and "BobSecret" in list_lines(bob, '""', "*")
    bob.logout()
