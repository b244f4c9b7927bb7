"""SMTP reception on the real server, driven by Python's smtplib and raw sockets."""
import smtplib
import ssl

import pytest

from conftest import message
from smtp_client import RawSMTP


def exported(facteur, address="alice@example.test", mailbox="INBOX") -> str:
    return facteur.cli("export", address, "--mailbox", mailbox).stdout


def test_smtplib_delivers_into_inbox_with_trace_fields(facteur):
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"], local_hostname="client.test") as client:
        code, banner = client.ehlo()
        assert code == 250
        for keyword in (b"PIPELINING", b"8BITMIME", b"SIZE", b"ENHANCEDSTATUSCODES", b"SMTPUTF8",
                        b"CHUNKING", b"STARTTLS", b"DSN"):
            assert keyword in banner
        refused = client.sendmail("sender@remote.test", ["alice@example.test"], message("First"))
        assert refused == {}
    mbox = exported(facteur)
    assert "Subject: First" in mbox
    assert "Return-Path: <sender@remote.test>" in mbox
    assert "Delivered-To: alice@example.test" in mbox
    assert "Received: from client.test ([127.0.0.1])" in mbox
    assert "by mx.facteur.test (Facteur) with ESMTP" in mbox


def test_starttls_then_delivery_records_tls_in_received(facteur):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"], local_hostname="tls.test") as client:
        client.starttls(context=context)
        code, banner = client.ehlo()
        assert code == 250
        assert b"STARTTLS" not in banner
        client.sendmail("sender@remote.test", ["alice@example.test"], message("Secure"))
    mbox = exported(facteur)
    assert "with ESMTPS" in mbox
    assert "TLSv1." in mbox


def test_reply_codes_for_unknown_user_relay_and_sequence(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    assert client.reply()[0] == 220
    assert client.command("RCPT TO:<alice@example.test>")[0] == 503
    assert client.command("EHLO client.test")[0] == 250
    assert client.command("MAIL FROM:<s@remote.test>")[0] == 250
    code, lines = client.command("RCPT TO:<nobody@example.test>")
    assert code == 550 and lines[0].startswith("5.1.1")
    code, lines = client.command("RCPT TO:<someone@elsewhere.test>")
    assert code == 554 and lines[0].startswith("5.7.1")
    code, lines = client.command("DATA")
    assert code == 554
    assert client.command("MAIL FROM:<s@remote.test>")[0] == 503  # still in the transaction
    assert client.command("RSET")[0] == 250
    assert client.command("VRFY alice")[0] == 252
    assert client.command("NOOP")[0] == 250
    assert client.command("FOO")[0] == 500
    assert client.command("QUIT")[0] == 221
    client.close()


def test_aliases_lists_detail_and_catch_all(facteur):
    facteur.cli("alias", "add", "team@example.test", "alice@example.test", "bob@example.test")
    facteur.cli("alias", "add", "@example.test", "bob@example.test")
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        client.sendmail("s@remote.test", ["team@example.test"], message("To the team"))
        client.sendmail("s@remote.test", ["alice+lists@example.test"], message("Detail"))
        client.sendmail("s@remote.test", ["random@example.test"], message("Catch all"))
    alice, bob = exported(facteur), exported(facteur, "bob@example.test")
    assert "To the team" in alice and "To the team" in bob
    assert "Subject: Detail" in alice
    assert "Catch all" in bob and "Catch all" not in alice
    listing = facteur.cli("alias", "list").stdout
    assert "team@example.test\talice@example.test, bob@example.test" in listing
    assert "@example.test\tbob@example.test" in listing


def test_changes_from_the_cli_are_live_without_restart(facteur):
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("s@remote.test", ["late@example.test"], message("Too early"))
    facteur.cli("user", "add", "late@example.test", "--password-stdin", stdin="pw\n")
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        assert client.sendmail("s@remote.test", ["late@example.test"], message("Now")) == {}
    assert "Subject: Now" in exported(facteur, "late@example.test")


def test_pipelined_transaction_in_one_write(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    client.reply()
    client.command("EHLO pipe.test")
    client.send(b"MAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\n"
                b"RCPT TO:<bob@example.test>\r\nDATA\r\n")
    assert [client.reply()[0] for _ in range(5)] == [250, 250, 550, 250, 354]
    client.send(message("Pipelined", body="..dot-stuffed line\r\n") + b".\r\nQUIT\r\n")
    assert client.reply()[0] == 250
    assert client.reply()[0] == 221
    mbox = exported(facteur, "bob@example.test")
    assert "Subject: Pipelined" in mbox
    assert "\n.dot-stuffed line\n" in mbox


def test_bdat_chunking(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    client.reply()
    client.command("EHLO chunk.test")
    client.command("MAIL FROM:<s@remote.test> BODY=BINARYMIME")
    client.command("RCPT TO:<alice@example.test>")
    body = message("Chunked", body="binary \x00 safe? no, but 8bit: caf\xe9\r\n".replace("\x00", "")).decode("latin-1").encode("latin-1")
    half = len(body) // 2
    client.send(f"BDAT {half}\r\n".encode() + body[:half])
    assert client.reply()[0] == 250
    client.send(f"BDAT {len(body) - half} LAST\r\n".encode() + body[half:])
    assert client.reply()[0] == 250
    client.command("QUIT")
    assert "Subject: Chunked" in exported(facteur)


def test_lmtp_gives_one_reply_per_recipient(facteur):
    client = RawSMTP(facteur.ports["lmtp"])
    assert client.reply()[0] == 220
    assert client.command("EHLO nope")[0] == 500
    assert client.command("LHLO lmtp.test")[0] == 250
    assert client.command("MAIL FROM:<s@remote.test>")[0] == 250
    assert client.command("RCPT TO:<alice@example.test>")[0] == 250
    assert client.command("RCPT TO:<bob@example.test>")[0] == 250
    assert client.command("DATA")[0] == 354
    client.send(message("Over LMTP") + b".\r\n")
    assert [client.reply()[0] for _ in range(2)] == [250, 250]
    client.command("QUIT")
    assert "Over LMTP" in exported(facteur) and "Over LMTP" in exported(facteur, "bob@example.test")
    assert "with LMTP" in exported(facteur)


def test_smtplib_lmtp_client(facteur):
    with smtplib.LMTP("127.0.0.1", facteur.ports["lmtp"]) as client:
        refused = client.sendmail("s@remote.test", ["alice@example.test", "nobody@example.test"], message("LMTP lib"))
        assert list(refused) == ["nobody@example.test"]
    assert "LMTP lib" in exported(facteur)
