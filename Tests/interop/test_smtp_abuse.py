"""Bad input gets the protocol's error or a bounded close; the server keeps serving everyone and
loses nothing it accepted."""
import smtplib
import socket
import time

from conftest import Facteur, message
from smtp_client import RawSMTP


def assert_still_serving(facteur, subject):
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        assert client.sendmail("s@remote.test", ["alice@example.test"], message(subject)) == {}
    assert f"Subject: {subject}" in facteur.cli("export", "alice@example.test").stdout


def test_one_megabyte_line_is_refused_and_the_session_goes_on(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    client.reply()
    client.send(b"EHLO " + b"a" * (1 << 20) + b"\r\n")
    code, _ = client.reply()
    assert code == 500
    assert client.command("EHLO ok.test")[0] == 250
    client.close()
    assert_still_serving(facteur, "After long line")


def test_nul_bytes_in_commands(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    client.reply()
    assert client.command("EHLO a\x00b")[0] in (500, 501)
    assert client.command("NOOP")[0] == 250
    client.close()


def test_ten_thousand_recipients_are_capped(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    client.reply()
    client.command("EHLO many.test")
    client.command("MAIL FROM:<s@remote.test>")
    client.send(b"".join(b"RCPT TO:<alice+%d@example.test>\r\n" % i for i in range(10_000)))
    codes = [client.reply()[0] for _ in range(10_000)]
    assert codes[:100] == [250] * 100
    assert set(codes[100:]) <= {452, 421}
    client.close()
    assert_still_serving(facteur, "After many recipients")


def test_garbage_headers_and_deep_mime_are_stored(facteur):
    deep = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
    for level in range(1, 1000):
        deep += f"--b{level - 1}\r\nContent-Type: multipart/mixed; boundary=b{level}\r\n\r\n"
    deep += "--b999\r\nContent-Type: text/plain\r\n\r\ndeep\r\n"
    raw = (b"From: \xff\xfe broken <<<\r\nSubject: =?bogus?x?zz?=\r\nTo: ;;;\r\nNo-Colon-Line\r\n"
           + b"Date: not a date\r\nMIME-Version: 1.0\r\n" + deep.encode())
    with smtplib.SMTP("127.0.0.1", facteur.ports["smtp"]) as client:
        assert client.sendmail("s@remote.test", ["alice@example.test"], raw) == {}
    assert "Content-Type: text/plain\n\ndeep" in facteur.cli("export", "alice@example.test").stdout
    assert_still_serving(facteur, "After deep MIME")


def test_many_bad_commands_close_the_connection(facteur):
    client = RawSMTP(facteur.ports["smtp"])
    client.reply()
    codes = []
    try:
        for _ in range(30):
            codes.append(client.command("BOGUS")[0])
    except (ConnectionError, OSError):
        pass
    assert 421 in codes or len(codes) < 30
    assert client.closed()


def test_message_size_limit(workdir):
    server = Facteur(workdir, extra_config="\n[limits]\nmax_message_size = 20000\n")
    server.cli("domain", "add", "example.test")
    server.cli("user", "add", "alice@example.test", "--password-stdin", stdin="pw\n")
    server.start()
    try:
        client = RawSMTP(server.ports["smtp"])
        client.reply()
        code, lines = client.command("EHLO size.test")
        assert "SIZE 20000" in lines
        code, lines = client.command("MAIL FROM:<s@remote.test> SIZE=50000")
        assert code == 552 and lines[0].startswith("5.3.4")
        assert client.command("MAIL FROM:<s@remote.test>")[0] == 250
        assert client.command("RCPT TO:<alice@example.test>")[0] == 250
        assert client.command("DATA")[0] == 354
        client.send(message("Big", body="x" * 998 + "\r\n") * 1 + (b"y" * 998 + b"\r\n") * 40 + b".\r\n")
        code, lines = client.reply()
        assert code == 552
        assert client.command("NOOP")[0] == 250
        client.close()
        assert "Subject: Big" not in server.cli("export", "alice@example.test").stdout
    finally:
        server.stop()


def test_connections_that_vanish_mid_data_lose_nothing_else(facteur):
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", facteur.ports["smtp"]))
        sock.recv(1000)
        sock.sendall(b"EHLO gone.test\r\nMAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: half\r\n\r\npartial")
        time.sleep(0.05)
        sock.close()
    assert_still_serving(facteur, "After vanished clients")
    assert "Subject: half" not in facteur.cli("export", "alice@example.test").stdout
